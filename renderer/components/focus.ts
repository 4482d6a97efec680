/**
 * Puts the cursor in a dialog's first field once it has opened — unless the user has already clicked or tabbed into a
 * field, whose typing must not be pulled elsewhere (the opening animation can outlast a quick typist).
 */
export function focusFirstField(field: { focus: () => void } | null): void {
  const active = document.activeElement;
  const typing = active instanceof HTMLInputElement || active instanceof HTMLTextAreaElement;
  if (!typing) field?.focus();
}
