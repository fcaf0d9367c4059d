/** See bundle.mjs: the path of an up-to-date bundle of `entry` (relative to `root`). */
export function bundledEntry(
  entry: string,
  options: { readonly root: string; readonly cacheDir?: string },
): Promise<string>;
