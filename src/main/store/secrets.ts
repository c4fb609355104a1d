/** Encrypts cookies at rest (Electron safeStorage in the app). Never hands plaintext to the renderer. */
export interface SecretStore {
  isAvailable(): boolean
  encrypt(plain: string): Buffer
  decrypt(cipher: Buffer): string
}

/** Where no OS keychain is reachable: nothing can be encrypted. */
export const unavailableSecretStore: SecretStore = {
  isAvailable: () => false,
  encrypt: () => {
    throw new Error('Encryption is not available on this system.')
  },
  decrypt: () => {
    throw new Error('Encryption is not available on this system.')
  }
}
