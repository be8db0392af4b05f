// A modal dialog on the native <dialog>: the browser keeps focus inside it and closes it on
// Escape; it opens on its first field, and on close, focus returns to what had it before (the button that opened it).
import { useEffect, useId, useRef } from 'react';
import type { ReactNode } from 'react';

interface DialogProps {
  title: string;
  onClose(): void;
  children: ReactNode;
  wide?: boolean;
}

export function Dialog({ title, onClose, children, wide }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const onCloseRef = useRef(onClose);
  onCloseRef.current = onClose;
  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return undefined;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    dialog.showModal();
    // Start in the first field; a dialog without fields starts on its safe choice (Cancel).
    dialog.querySelector<HTMLElement>('.dialog-body input:not([type=hidden]), .dialog-body select, .dialog-body textarea, .dialog-actions button')?.focus();
    const cancel = (e: Event): void => {
      e.preventDefault();
      onCloseRef.current();
    };
    dialog.addEventListener('cancel', cancel);
    return () => {
      dialog.removeEventListener('cancel', cancel);
      dialog.close();
      opener?.focus();
    };
  }, []);
  return (
    <dialog ref={ref} className={`dialog${wide === true ? ' dialog-wide' : ''}`} aria-labelledby={titleId}>
      <div className="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
          ×
        </button>
      </div>
      {children}
    </dialog>
  );
}

interface ConfirmProps {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  busy?: boolean;
  error?: string | undefined;
  onConfirm(): void;
  onClose(): void;
}

/** A dialog's Cancel and submit buttons; the submit button is off while `busy`. */
export function DialogActions(p: { onCancel(): void; label: ReactNode; busy: boolean; danger?: boolean; onConfirm?: () => void }) {
  return (
    <div className="dialog-actions">
      <button type="button" onClick={p.onCancel}>
        Cancel
      </button>
      <button type={p.onConfirm === undefined ? 'submit' : 'button'} className={p.danger === true ? 'danger' : 'primary'} disabled={p.busy} onClick={p.onConfirm}>
        {p.label}
      </button>
    </div>
  );
}

export function ConfirmDialog(p: ConfirmProps) {
  return (
    <Dialog title={p.title} onClose={p.onClose}>
      <div className="dialog-body">{p.message}</div>
      {p.error !== undefined && (
        <p className="form-error" role="alert">
          {p.error}
        </p>
      )}
      <DialogActions onCancel={p.onClose} label={p.confirmLabel} busy={p.busy ?? false} danger onConfirm={p.onConfirm} />
    </Dialog>
  );
}
