/** Between the run form (values by option) and the run configuration's `arguments` (by option name). */
import { FormOption, FormSchema } from '../argparse/help';
import { ArgumentValue } from './runConfig';

/** The key an option has under `arguments:`: its long flag without dashes, else its dest. */
export function argumentKey(option: FormOption): string {
  const long = option.flags.find((f) => f.startsWith('--'));
  return long ? long.slice(2) : option.dest;
}

export function formOptions(form: FormSchema): FormOption[] {
  return form.groups.flatMap((g) => g.options).filter((o) => o.kind !== 'help');
}

/** Reads `arguments:` into values by dest, keeping only what the form knows. */
export function valuesFromArguments(args: Record<string, ArgumentValue> | undefined, form: FormSchema): Record<string, ArgumentValue> {
  const values: Record<string, ArgumentValue> = {};
  for (const option of formOptions(form)) {
    const key = argumentKey(option);
    if (args && key in args) values[option.dest] = args[key];
    else if (args && option.dest in args) values[option.dest] = args[option.dest];
  }
  return values;
}

/** Values by dest back into `arguments:` keys; unset (undefined) values are left out. */
export function argumentsFromValues(values: Record<string, ArgumentValue | undefined>, form: FormSchema): Record<string, ArgumentValue> {
  const args: Record<string, ArgumentValue> = {};
  for (const option of formOptions(form)) {
    const value = values[option.dest];
    if (value !== undefined) args[argumentKey(option)] = value;
  }
  return args;
}

/**
 * Checks values that came from the webview against the form: only known options, each with a
 * value of the kind the option takes. Returns the clean values, or the first problem.
 */
export function checkFormValues(raw: unknown, form: FormSchema): { values?: Record<string, ArgumentValue>; error?: string } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { error: 'values must be an object' };
  const values: Record<string, ArgumentValue> = {};
  for (const [dest, value] of Object.entries(raw as Record<string, unknown>)) {
    const option = formOptions(form).find((o) => o.dest === dest);
    if (!option) return { error: `unknown option ${dest}` };
    if (value === null || value === undefined) continue;
    const problem = checkValue(option, value);
    if (problem) return { error: `${argumentKey(option)}: ${problem}` };
    values[dest] = value as ArgumentValue;
  }
  return { values };
}

function checkValue(option: FormOption, value: unknown): string | undefined {
  if (option.kind === 'flag' || option.kind === 'boolean') return typeof value === 'boolean' ? undefined : 'must be true or false';
  const many = option.nargs === '+' || option.nargs === '*' || (typeof option.nargs === 'number' && option.nargs > 1);
  const items = many ? value : [value];
  if (!Array.isArray(items)) return 'must be a list';
  if (many && option.nargs === '+' && items.length === 0) return 'needs at least one value';
  for (const item of items) {
    if (typeof item !== 'string' && typeof item !== 'number') return 'must be text or a number';
    if (typeof item === 'number' && !Number.isFinite(item)) return 'must be a finite number';
    if (option.choices && !option.choices.includes(String(item))) return `must be one of ${option.choices.join(', ')}`;
    if (option.type.name === 'int' && typeof item === 'string' && item !== '' && !/^-?\d+$/.test(item)) return 'must be a whole number';
    if (typeof item === 'string' && item.includes('\0')) return 'must not contain a NUL byte';
  }
  return undefined;
}
