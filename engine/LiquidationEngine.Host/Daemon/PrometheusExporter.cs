using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace LiquidationEngine.Host.Daemon;

/// <summary>
/// A small Prometheus text-format (0.0.4) exporter over System.Diagnostics.Metrics: a <see cref="MeterListener"/>
/// aggregates the measurements of one meter (counters sum, gauges are observed at scrape, histograms fill fixed
/// buckets) and <see cref="Render"/> writes them out.
/// </summary>
/// <remarks>Counters become <c>name_total</c>; histograms <c>name_bucket{le=…}</c>, <c>name_sum</c>, <c>name_count</c>.
/// Tags become labels. Measurement callbacks may come from any thread.</remarks>
public sealed class PrometheusExporter : IDisposable
{
    /// <summary>Upper bounds of the histogram buckets, in the instrument's unit (seconds for latencies).</summary>
    public static readonly double[] Buckets = [1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 2.5e-3, 5e-3, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<Instrument, Family> _families = new();

    /// <summary>Starts listening to every instrument of the meter named <paramref name="meterName"/>.</summary>
    public PrometheusExporter(string meterName)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName)
            {
                _families[instrument] = new Family(instrument);
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    /// <summary>Observes the gauges and renders every family in the text format.</summary>
    public string Render()
    {
        foreach (Family f in _families.Values)
        {
            if (f.Kind == Kind.Gauge)
            {
                f.ClearGauges();
            }
        }

        _listener.RecordObservableInstruments();
        var text = new StringBuilder();
        foreach (Family f in _families.Values.OrderBy(f => f.Instrument.Name, StringComparer.Ordinal))
        {
            f.Write(text);
        }

        return text.ToString();
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (_families.TryGetValue(instrument, out Family? f))
        {
            f.Record(value, Labels(tags));
        }
    }

    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return string.Empty;
        }

        var parts = new List<string>(tags.Length);
        foreach (KeyValuePair<string, object?> t in tags)
        {
            string value = Convert.ToString(t.Value, CultureInfo.InvariantCulture) ?? string.Empty;
            parts.Add($"{t.Key}=\"{value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)}\"");
        }

        parts.Sort(StringComparer.Ordinal);
        return string.Join(",", parts);
    }

    private enum Kind
    {
        Counter,
        Gauge,
        Histogram,
    }

    private sealed class Family
    {
        private readonly ConcurrentDictionary<string, Series> _series = new(StringComparer.Ordinal);

        public Family(Instrument instrument)
        {
            Instrument = instrument;
            Kind = instrument switch
            {
                Histogram<double> or Histogram<long> or Histogram<int> => Kind.Histogram,
                Counter<long> or Counter<int> or Counter<double> or ObservableCounter<long> or ObservableCounter<double> => Kind.Counter,
                _ => Kind.Gauge,
            };
        }

        public Instrument Instrument { get; }

        public Kind Kind { get; }

        public void Record(double value, string labels)
        {
            Series s = _series.GetOrAdd(labels, _ => new Series());
            lock (s)
            {
                switch (Kind)
                {
                    case Kind.Counter:
                        s.Sum += value;
                        break;
                    case Kind.Gauge:
                        s.Sum = value;
                        s.Seen = true;
                        break;
                    default:
                        s.Sum += value;
                        s.Count++;
                        int b = Array.BinarySearch(Buckets, value);
                        s.Buckets[b >= 0 ? b : ~b]++;
                        break;
                }
            }
        }

        public void ClearGauges()
        {
            foreach (Series s in _series.Values)
            {
                lock (s)
                {
                    s.Seen = false;
                }
            }
        }

        public void Write(StringBuilder o)
        {
            string name = Instrument.Name + (Kind == Kind.Counter ? "_total" : string.Empty);
            string type = Kind switch { Kind.Counter => "counter", Kind.Gauge => "gauge", _ => "histogram" };
            o.Append("# HELP ").Append(name).Append(' ').Append(Instrument.Description ?? Instrument.Name).Append('\n');
            o.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
            foreach ((string labels, Series s) in _series.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                lock (s)
                {
                    if (Kind == Kind.Gauge && !s.Seen)
                    {
                        continue;
                    }

                    if (Kind != Kind.Histogram)
                    {
                        Sample(o, name, labels, s.Sum);
                        continue;
                    }

                    long cumulative = 0;
                    for (int i = 0; i < Buckets.Length; i++)
                    {
                        cumulative += s.Buckets[i];
                        Sample(o, name + "_bucket", Join(labels, $"le=\"{Buckets[i].ToString("R", CultureInfo.InvariantCulture)}\""), cumulative);
                    }

                    Sample(o, name + "_bucket", Join(labels, "le=\"+Inf\""), s.Count);
                    Sample(o, name + "_sum", labels, s.Sum);
                    Sample(o, name + "_count", labels, s.Count);
                }
            }
        }

        private static string Join(string labels, string extra) => labels.Length == 0 ? extra : labels + "," + extra;

        private static void Sample(StringBuilder o, string name, string labels, double value)
        {
            o.Append(name);
            if (labels.Length > 0)
            {
                o.Append('{').Append(labels).Append('}');
            }

            o.Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
        }
    }

    private sealed class Series
    {
        public double Sum;
        public long Count;
        public bool Seen;
        public readonly long[] Buckets = new long[PrometheusExporter.Buckets.Length + 1];
    }
}
