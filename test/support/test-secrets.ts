import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { SecretStore } from '../../src/main/store/secrets'

/**
 * Stands in for Electron's safeStorage (an OS keychain) in the browser harness: AES-256-GCM with a
 * key kept in the test's user-data folder, so a "restarted" handler table can still decrypt.
 */
export function testSecretStore(userDataDir: string): SecretStore {
  const keyFile = join(userDataDir, '.test-keychain')
  if (!existsSync(keyFile)) writeFileSync(keyFile, randomBytes(32))
  const key = readFileSync(keyFile)
  return {
    isAvailable: () => true,
    encrypt(plain) {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return Buffer.concat([iv, cipher.getAuthTag(), body])
    },
    decrypt(blob) {
      const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, 12))
      decipher.setAuthTag(blob.subarray(12, 28))
      return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()]).toString('utf8')
    }
  }
}
