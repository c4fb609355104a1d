#!/usr/bin/env node
// Checks that the external tools the test suite drives are installed, and says how to get them.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const tools = {
  erl: {
    found: () => which('erl') && which('erlc') && which('epmd'),
    what: 'Erlang/OTP (erl, erlc, epmd) for the integration tests',
    install: 'sudo apt-get update && sudo apt-get install -y erlang-base erlang-dev erlang-observer'
  },
  chromium: {
    found: () => existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'),
    what: `Chromium at ${process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'} (set CHROMIUM_PATH to use another) for the e2e tests`,
    install: 'sudo apt-get update && sudo apt-get install -y chromium'
  }
}

function which(cmd) {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

const missing = process.argv.slice(2).filter((name) => !tools[name].found())
if (missing.length > 0) {
  for (const name of missing) {
    console.error(`erlscope tests: missing ${tools[name].what}.\n  Install it with: ${tools[name].install}`)
  }
  process.exit(1)
}
