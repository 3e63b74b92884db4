/** Warnings a lab instructor would give before a run starts. */
import { FormSchema } from '../argparse/help';
import { ArgumentValue } from './runConfig';

const SEED = /^(random[_-]?state|seed|random[_-]?seed|rng[_-]?seed)$/i;

/** Lab-aware warnings for a set of argument values and the image's form. */
export function labWarnings(values: Record<string, ArgumentValue>, form?: FormSchema): string[] {
  const warnings: string[] = [];
  const get = (name: string) => Object.entries(values).find(([k]) => k.replace(/-/g, '_').toLowerCase() === name)?.[1];
  const options = form?.groups.flatMap((g) => g.options) ?? [];
  const seedOption = options.find((o) => SEED.test(o.dest)) ?? Object.keys(values).map((k) => ({ dest: k })).find((o) => SEED.test(o.dest));
  if (seedOption) {
    const seed = get(seedOption.dest.replace(/-/g, '_').toLowerCase());
    if (seed === undefined || seed === null || seed === '') warnings.push(`No random seed (${seedOption.dest.replace(/_/g, '-')}): this run will not be reproducible.`);
  }
  const strategy = get('search_strategy');
  if (strategy === 'grid') {
    const multi = options.filter((o) => Array.isArray(values[o.dest.replace(/_/g, '-')]) || Array.isArray(values[o.dest]));
    const gridSize = multi.reduce((n, o) => n * ((values[o.dest.replace(/_/g, '-')] ?? values[o.dest]) as unknown[]).length, 1);
    if (gridSize > 1000) warnings.push(`Grid search over about ${gridSize} combinations: consider random search with num-search-iterations.`);
    else warnings.push('Grid search tries every combination of the grid: it can take much longer than random search.');
  }
  if (get('split') === 'lpgo') {
    const groups = Number(get('num_folds') ?? 0);
    if (groups > 2) warnings.push(`Leave-p-groups-out with ${groups} test groups makes a split for every combination of sites: the number of fits grows combinatorially.`);
  }
  return warnings;
}
