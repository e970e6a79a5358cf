import { useMutation } from '@tanstack/react-query';
import { saveBlob } from '../lib/download';
import { useT } from '../lib/i18n';
import { useApi } from '../lib/providers';

type Format = 'csv' | 'json';

/** Downloads everything behind `path` as CSV or JSON (the same formats import reads). */
export function ExportButtons({ path, filename }: { path: string; filename: string }) {
  const t = useT();
  const api = useApi();
  const exporter = useMutation({
    mutationFn: async (format: Format) => {
      saveBlob(await api.download(path, { format }), `${filename}.${format}`);
    },
  });
  return (
    <div className="button-group">
      {(['csv', 'json'] as const).map((format) => (
        <button
          key={format}
          type="button"
          className="button"
          disabled={exporter.isPending}
          onClick={() => exporter.mutate(format)}
        >
          {exporter.isPending && exporter.variables === format
            ? t('Exporting…')
            : t('Export {format}', { format: format.toUpperCase() })}
        </button>
      ))}
    </div>
  );
}
