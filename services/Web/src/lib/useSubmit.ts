import { useState, type FormEvent } from 'react';

/**
 * A form's submit: the browser's own submit prevented, the form's fields given to `action`, the button busy while it
 * runs, and its error kept for an ErrorNote (cleared on the next try).
 */
export function useSubmit(action: (form: FormData) => Promise<void>) {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await action(form);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return { submit, busy, error };
}
