import type * as Tf from '@tensorflow/tfjs';

/** The tfjs namespace: @tensorflow/tfjs-node(-gpu) re-export it with their backend registered. */
export type TfModule = typeof Tf;

export type TfjsBackendName = 'tfjs-node-gpu' | 'tfjs-node' | 'tfjs-cpu';

export interface TfjsBackend {
  readonly tf: TfModule;
  /** Stored in every row's `backend` column. */
  readonly name: TfjsBackendName;
  /** Why the faster backends were not taken (for the log). */
  readonly skipped: readonly string[];
}

/** The native addon's binding (tfjs-node), of which only the GPU probe is used. */
interface NodeBinding {
  isUsingGpuDevice?: () => boolean;
}

/**
 * Loads tfjs once per thread: @tensorflow/tfjs-node-gpu if it imports and sees a GPU, else
 * @tensorflow/tfjs-node, else @tensorflow/tfjs on its pure-JS CPU backend. The native packages are
 * not dependencies (their install downloads libtensorflow; deploy/Dockerfile.gpu adds tfjs-node-gpu),
 * so they are imported by a name TypeScript does not resolve. Call it from one thread per process
 * only: the native addon is not safe to load in several worker threads at once.
 */
export async function loadTfjs(): Promise<TfjsBackend> {
  const skipped: string[] = [];
  const native = async (pkg: string): Promise<TfModule | null> => {
    try {
      const tf = (await import(pkg)) as TfModule;
      await tf.ready();
      return tf.getBackend() === 'tensorflow' ? tf : null;
    } catch (e) {
      skipped.push(`${pkg}: ${(e as Error).message.split('\n')[0]}`);
      return null;
    }
  };
  const gpu = await native('@tensorflow/tfjs-node-gpu');
  if (gpu) {
    const binding = (gpu.backend() as unknown as { binding?: NodeBinding }).binding;
    if (binding?.isUsingGpuDevice?.()) return { tf: gpu, name: 'tfjs-node-gpu', skipped };
    skipped.push('@tensorflow/tfjs-node-gpu: imported, but TensorFlow sees no GPU');
  }
  // tfjs-node-gpu without a GPU runs libtensorflow on the CPU: the same as tfjs-node.
  const cpu = gpu ?? (await native('@tensorflow/tfjs-node'));
  if (cpu) return { tf: cpu, name: 'tfjs-node', skipped };
  const tf = await import('@tensorflow/tfjs');
  tf.enableProdMode(); // no "install tfjs-node" banner and no per-op NaN checks; same math
  await tf.setBackend('cpu');
  await tf.ready();
  return { tf, name: 'tfjs-cpu', skipped };
}
