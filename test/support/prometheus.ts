/** The value of one sample of a Prometheus text page (0 when the series is absent). */
export function sample(text: string, series: string): number {
  const line = text.split('\n').find((each) => each.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

/** `GET <baseUrl>/metrics`, checked to be Prometheus' text format. */
export async function scrape(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (response.status !== 200) throw new Error(`${baseUrl}/metrics answered ${response.status}`);
  const type = response.headers.get('content-type') ?? '';
  if (!/^text\/plain; version=0\.0\.4/.test(type)) {
    throw new Error(`${baseUrl}/metrics is not Prometheus text: ${type}`);
  }
  return response.text();
}
