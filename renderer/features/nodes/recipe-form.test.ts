import { describe, expect, it } from 'vitest';
import { DEFAULT_RECIPE_FORM, paramFieldOfPath, paramsUsedBy, parseRecipeForm, splitPackages } from './recipe-form';

describe('recipe parameters form', () => {
  it('turns the defaults into the schema’s defaults', () => {
    expect(parseRecipeForm(DEFAULT_RECIPE_FORM)).toEqual({ params: { timezone: 'UTC', packages: [], unattendedUpgrades: true }, errors: {} });
    expect(parseRecipeForm({ ...DEFAULT_RECIPE_FORM, timezone: '  ' }).params?.timezone).toBe('UTC');
  });

  it('splits packages on spaces and commas, once each', () => {
    expect(splitPackages(' htop, jq  vim,htop\n')).toEqual(['htop', 'jq', 'vim']);
    const { params } = parseRecipeForm({ ...DEFAULT_RECIPE_FORM, timezone: 'Europe/Berlin', packages: 'htop, g++', unattendedUpgrades: false });
    expect(params).toEqual({ timezone: 'Europe/Berlin', packages: ['htop', 'g++'], unattendedUpgrades: false });
  });

  it('reports a bad time zone and names the bad package, like the core would', () => {
    const { params, errors } = parseRecipeForm({ ...DEFAULT_RECIPE_FORM, timezone: 'berlin', packages: 'htop Bad_Name' });
    expect(params).toBeNull();
    expect(errors.timezone).toMatch(/tz database name/);
    expect(errors.packages).toMatch(/^"Bad_Name": Package names use lower-case/);
  });

  it('knows which parameters a recipe reads, and maps core issue paths to fields', () => {
    expect(paramsUsedBy('base')).toContain('timezone');
    expect(paramsUsedBy('docker')).toEqual([]);
    expect(paramsUsedBy('future-recipe')).toHaveLength(3);
    expect(paramFieldOfPath(['params', 'packages', 1])).toBe('packages');
    expect(paramFieldOfPath(['params', 'timezone'])).toBe('timezone');
    expect(paramFieldOfPath(['ids'])).toBeNull();
  });
});
