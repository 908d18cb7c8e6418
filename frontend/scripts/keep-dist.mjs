// Vite empties assets/dist before a build; the Go embed needs at least the
// committed placeholder there, so put it back.
import { writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('../../assets/dist/', import.meta.url));
if (!existsSync(dist)) mkdirSync(dist, { recursive: true });
if (!existsSync(dist + '.keep')) writeFileSync(dist + '.keep', '');
