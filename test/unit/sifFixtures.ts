import { readdirSync } from 'fs';
import { fixture } from '../paths';

/** A corpus image by name, from test/fixtures/sif or its corpus/ folder. */
export function imagePath(name: string): string {
  return readdirSync(fixture('sif')).includes(`${name}.sif`) ? fixture('sif', `${name}.sif`) : fixture('sif', 'corpus', `${name}.sif`);
}

/** Every real SIF image among the fixtures. */
export const allImages = (): string[] => [
  ...readdirSync(fixture('sif')).filter((f) => f.endsWith('.sif')).map((f) => fixture('sif', f)),
  ...readdirSync(fixture('sif', 'corpus')).filter((f) => f.endsWith('.sif')).map((f) => fixture('sif', 'corpus', f)),
];
