import { build } from "esbuild";

/**
 * `pulumi-rekko/receiver` as an edge or browser bundler sees it: esbuild, platform browser,
 * ESM, minified, resolved from `resolveDir` through the package's exports. The bundle text.
 */
export async function webBundle(resolveDir: string): Promise<string> {
  const result = await build({
    stdin: { contents: 'export * from "pulumi-rekko/receiver";', resolveDir, loader: "js" },
    bundle: true,
    platform: "browser",
    format: "esm",
    minify: true,
    write: false,
    logLevel: "silent",
  });
  return result.outputFiles[0]?.text ?? "";
}
