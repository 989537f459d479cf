// Choose the TensorFlow.js backend at run time: native GPU, native CPU, WebAssembly, then plain JS.
// The native packages are optional dependencies that fail to install on machines without libtensorflow,
// so each is imported inside a try. Nothing is loaded until selectBackend() is called.
import type * as TfModule from '@tensorflow/tfjs'

export type Tf = typeof TfModule
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu'

/** Candidates in preference order; `tensorflow` is the name tfjs-node registers (also for tfjs-node-gpu). */
export const BACKEND_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']

let chosen: { tf: Tf; name: BackendName } | null = null
let pending: Promise<{ tf: Tf; name: BackendName }> | null = null

async function tryImport(spec: string): Promise<boolean> {
  try {
    await import(/* @vite-ignore */ spec)
    return true
  } catch {
    return false
  }
}

async function trySet(tf: Tf, registered: string): Promise<boolean> {
  try {
    if (!(await tf.setBackend(registered))) return false
    await tf.ready()
    return tf.getBackend() === registered
  } catch {
    return false
  }
}

async function choose(only?: BackendName): Promise<{ tf: Tf; name: BackendName }> {
  // The native packages bundle their own tfjs-core; importing them first makes them register into the
  // tfjs instance we then use (they share @tensorflow/tfjs-core through node_modules).
  const tf = (await import('@tensorflow/tfjs')) as Tf
  const want = only ? [only] : BACKEND_ORDER
  for (const name of want) {
    if (name === 'tensorflow-gpu') {
      if ((await tryImport('@tensorflow/tfjs-node-gpu')) && (await trySet(tf, 'tensorflow'))) return { tf, name }
    } else if (name === 'tensorflow') {
      if ((await tryImport('@tensorflow/tfjs-node')) && (await trySet(tf, 'tensorflow'))) return { tf, name }
    } else if (name === 'wasm') {
      if ((await tryImport('@tensorflow/tfjs-backend-wasm')) && (await trySet(tf, 'wasm'))) return { tf, name }
    } else if (await trySet(tf, 'cpu')) {
      return { tf, name }
    }
  }
  throw new Error(`no TensorFlow.js backend available (tried ${want.join(', ')})`)
}

/**
 * Load tfjs and pick the best backend once per thread; later calls return the same choice.
 * `only` forces one backend (tests, benchmarks); environment variable IWB_TF_BACKEND does the same.
 */
export function selectBackend(only?: BackendName): Promise<{ tf: Tf; name: BackendName }> {
  const forced = only ?? (process.env.IWB_TF_BACKEND as BackendName | undefined)
  if (chosen && (!forced || chosen.name === forced)) return Promise.resolve(chosen)
  if (!pending || forced) {
    pending = choose(forced).then((c) => {
      chosen = c
      return c
    })
    pending.catch(() => {
      pending = null
    })
  }
  return pending
}

/** The backend in use in this thread, or null before selectBackend() has run. */
export function backendName(): BackendName | null {
  return chosen?.name ?? null
}
