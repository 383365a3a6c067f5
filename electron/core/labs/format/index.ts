/** The lab format: reading lab folders into Labs (or located problems) and filling placeholders. */
export { fillCheck, fillPlaceholders, placeholderProblems, PLACEHOLDER_FORMS, type PlaceholderValues } from './placeholders';
export { normalizeText, placeInPart, splitStepFile, type SplitStepResult, type StepFileParts, type TextPart } from './step-file';
export { loadLabFolder, MANIFEST_FILE, type LoadLabResult } from './load-lab';
export { loadLabCatalog, type LabCatalogLoad, type LabRoot } from './load-catalog';
