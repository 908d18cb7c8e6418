import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants } from 'node:zlib';

/** One chunk of Vite's build manifest. */
interface Chunk {
  file: string;
  imports?: string[];
  css?: string[];
  isEntry?: boolean;
}

/** Sizes of what a screen needs before it can show anything. */
export interface ScreenCost {
  files: string[];
  jsBrotli: number;
  cssBrotli: number;
}

/** Reads a build in dist and prices its screens the way the server sends them. */
export class BuildSizes {
  private readonly manifest: Record<string, Chunk>;

  constructor(private readonly dist: string) {
    const path = join(dist, '.vite', 'manifest.json');
    if (!existsSync(path)) {
      throw new Error(`${path} is missing: run "npm run build" first`);
    }
    this.manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, Chunk>;
  }

  /** The entry chunk plus the lazy modules named by their source path. */
  screen(...lazyModules: string[]): ScreenCost {
    const keys = ['index.html', ...lazyModules];
    const seen = new Set<string>();
    const files = new Set<string>();
    const visit = (key: string) => {
      if (seen.has(key)) return;
      seen.add(key);
      const chunk = this.manifest[key];
      if (!chunk) throw new Error(`chunk ${key} is not in the build manifest`);
      files.add(chunk.file);
      for (const css of chunk.css ?? []) files.add(css);
      for (const dep of chunk.imports ?? []) visit(dep);
    };
    keys.forEach(visit);
    let jsBrotli = 0;
    let cssBrotli = 0;
    for (const file of files) {
      const size = this.brotli(file);
      if (file.endsWith('.css')) cssBrotli += size;
      else jsBrotli += size;
    }
    return { files: [...files].sort(), jsBrotli, cssBrotli };
  }

  /** The brotli size of a file: its .br sibling, else compressed here at q11. */
  brotli(file: string): number {
    const br = join(this.dist, file + '.br');
    if (existsSync(br)) return readFileSync(br).length;
    return brotliCompressSync(readFileSync(join(this.dist, file)), {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length;
  }
}
