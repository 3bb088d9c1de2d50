using System.Globalization;

namespace LiquidationEngine.Tests.Support;

/// <summary>One sample of a Prometheus text exposition: metric name, labels, value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// Reads the Prometheus text format (0.0.4) as a scraper does: <c># TYPE</c> lines and samples
/// <c>name{label="value",…} value</c>, with the format's escapes in label values. Tests look samples up by name and
/// labels, whatever else the exporter adds (scope labels, label order).
/// </summary>
public sealed class PrometheusText
{
    private PrometheusText(List<PrometheusSample> samples, Dictionary<string, string> types)
    {
        Samples = samples;
        Types = types;
    }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>Family name → counter, gauge, histogram, summary or untyped.</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    /// <summary>Every metric name that has at least one sample (histogram series as <c>_bucket</c>, <c>_sum</c>, <c>_count</c>).</summary>
    public IEnumerable<string> Names => Samples.Select(s => s.Name).Distinct(StringComparer.Ordinal);

    public static PrometheusText Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var samples = new List<PrometheusSample>();
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        int lineNumber = 0;
        foreach (string raw in text.Split('\n'))
        {
            lineNumber++;
            string line = raw.TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                string[] parts = line.Split(' ', 4);
                types[parts[2]] = parts[3];
                continue;
            }

            if (line[0] == '#')
            {
                continue;
            }

            samples.Add(ParseSample(line, lineNumber));
        }

        return new PrometheusText(samples, types);
    }

    /// <summary>The samples of <paramref name="name"/> whose labels include every one of <paramref name="labels"/>.</summary>
    public IEnumerable<PrometheusSample> Find(string name, params (string Key, string Value)[] labels)
        => Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out string? v) && v == l.Value));

    /// <summary>The single sample of <paramref name="name"/> with these labels; throws if there is none or several.</summary>
    public double Value(string name, params (string Key, string Value)[] labels)
    {
        List<PrometheusSample> found = [.. Find(name, labels)];
        return found.Count == 1
            ? found[0].Value
            : throw new InvalidOperationException($"{found.Count} samples of {name}{{{string.Join(",", labels.Select(l => $"{l.Key}=\"{l.Value}\""))}}}");
    }

    private static PrometheusSample ParseSample(string line, int lineNumber)
    {
        int i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
        {
            i++;
        }

        string name = line[..i];
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                int eq = line.IndexOf('=', i);
                string key = line[i..eq].Trim();
                i = eq + 2; // past ="
                var value = new System.Text.StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] == 'n' ? '\n' : line[i]);
                    }
                    else
                    {
                        value.Append(line[i]);
                    }

                    i++;
                }

                labels[key] = value.ToString();
                i++;
                if (line[i] == ',')
                {
                    i++;
                }
            }

            i++;
        }

        string[] rest = line[i..].Trim().Split(' ');
        double v = rest[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            string s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)
                ? d
                : throw new FormatException($"line {lineNumber}: bad sample value '{s}'"),
        };
        return new PrometheusSample(name, labels, v);
    }
}
