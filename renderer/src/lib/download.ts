/** Hands bytes to the browser as a file download (serve mode has no save dialog). */
export function downloadBase64(fileName: string, mime: string, base64: string): void {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const url = URL.createObjectURL(new Blob([bytes], { type: mime }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.dataset['testid'] = 'export-download';
  document.body.append(a);
  a.click();
  a.remove();
  // The browser has started reading the Blob by now; the URL outlives the click a while for slow disks.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
