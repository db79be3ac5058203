// Keyboard shortcuts of the inbox and ticket screens: one key, no modifier, never while typing in a field.
const keys = new Set(["j", "k", "Enter", "o", "e", "a", "?"]);

export function attach(component) {
    const handler = (event) => {
        if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing || !keys.has(event.key))
            return;
        const target = event.target;
        if (target instanceof HTMLElement && (target.isContentEditable || target.closest("input, textarea, select, [role='textbox'], [role='combobox'], [role='listbox'], .mud-dialog, .mud-popover")))
            return;
        // Enter on a link or button keeps its own meaning.
        if (event.key === "Enter" && target instanceof HTMLElement && target.closest("a, button"))
            return;
        event.preventDefault();
        component.invokeMethodAsync("OnShortcut", event.key);
    };
    document.addEventListener("keydown", handler);
    return { dispose: () => document.removeEventListener("keydown", handler) };
}
