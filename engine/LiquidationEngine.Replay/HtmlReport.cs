using System.Globalization;
using System.Net;
using System.Text;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;

namespace LiquidationEngine.Replay;

/// <summary>
/// Writes the replay report: one self-contained HTML file (inline CSS and SVG, no script or font from the network)
/// with the summary, a chart of the mark price per instrument with its liquidations and funding settlements, and a
/// table of the largest liquidations.
/// </summary>
/// <remarks>Chart coordinates are doubles (display only); every figure in text is formatted exactly from fixed point.
/// Liquidations are drawn as one marker per instrument, side and horizontal pixel bucket, sized by count, with the
/// details in its tooltip, so a cascade of ten thousand orders stays a readable (and small) picture.</remarks>
public static class HtmlReport
{
    private const int Width = 1280;
    private const int Height = 280;
    private const int Left = 90;
    private const int Right = 20;
    private const int Top = 16;
    private const int Bottom = 34;
    private const int MarkerBucketPx = 6;

    /// <summary>How many rows the largest-liquidations table shows.</summary>
    public const int LargestRows = 25;

    /// <summary>Writes the report to <paramref name="path"/>.</summary>
    public static void Write(string path, string title, ReplayResult result, InstrumentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(path);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null)
        {
            Directory.CreateDirectory(dir);
        }

        File.WriteAllText(path, Render(title, result, catalog), new UTF8Encoding(false));
    }

    /// <summary>Renders the report.</summary>
    public static string Render(string title, ReplayResult result, InstrumentCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(title);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(catalog);
        var b = new StringBuilder(256 * 1024);
        b.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>").Append(E(title)).Append("</title>\n");
        b.Append("""
            <style>
            body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1d2330;background:#fafbfc}
            h1{font-size:22px;margin:0 0 4px} h2{font-size:17px;margin:28px 0 8px}
            .sub{color:#5b6475;margin-bottom:16px}
            table{border-collapse:collapse;background:#fff}
            td,th{padding:4px 10px;border-bottom:1px solid #e3e6eb;text-align:left;vertical-align:top}
            th{background:#f0f2f5;font-weight:600}
            td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
            .summary td:first-child{color:#5b6475;white-space:nowrap}
            .chart{background:#fff;border:1px solid #e3e6eb;margin:8px 0 4px}
            .legend span{display:inline-block;margin-right:18px}
            .sw{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:5px;vertical-align:middle}
            .timing td{color:#7a8394}
            .largest td{white-space:nowrap;font-size:13px}
            .bad{color:#b42318;font-weight:600}
            </style></head><body>

            """);
        b.Append("<h1>").Append(E(title)).Append("</h1>\n");
        b.Append("<div class=\"sub\">Mark-price liquidation replay · ").Append(E(result.Execution.Describe())).Append(" fills</div>\n");

        b.Append("<table class=\"summary\">\n");
        foreach ((string label, string text) in result.DeterministicLines(catalog))
        {
            string cls = label == "STOPPED" ? " class=\"bad\"" : string.Empty;
            b.Append("<tr><td>").Append(E(label)).Append("</td><td").Append(cls).Append('>').Append(E(text)).Append("</td></tr>\n");
        }

        foreach ((string label, string text) in result.TimingLines())
        {
            b.Append("<tr class=\"timing\"><td>").Append(E(label)).Append("</td><td>").Append(E(text)).Append("</td></tr>\n");
        }

        b.Append("</table>\n");
        if (result.InputErrorSamples.Count > 0)
        {
            b.Append("<h2>Bad input (the first of each kind; every one is in errors.txt)</h2>\n<pre>");
            foreach (string s in result.InputErrorSamples)
            {
                b.Append(E(s)).Append('\n');
            }

            b.Append("</pre>\n");
        }

        b.Append("<h2>Mark price and liquidations</h2>\n<div class=\"legend\">")
            .Append("<span><i class=\"sw\" style=\"background:#d92d20\"></i>longs liquidated</span>")
            .Append("<span><i class=\"sw\" style=\"background:#079455\"></i>shorts liquidated</span>")
            .Append("<span><i class=\"sw\" style=\"background:#f79009\"></i>not filled (fund takeover / ADL)</span>")
            .Append("<span><i class=\"sw\" style=\"background:none;border:1px dashed #6941c6;border-radius:0\"></i>funding settlement</span>")
            .Append("<span style=\"color:#5b6475\">marker area ∝ count; hover for details</span></div>\n");

        long t0 = result.FirstTimestampUs;
        long t1 = Math.Max(result.LastTimestampUs, t0 + 1);
        ILookup<int, LiquidationRecord> byInstrument = result.Liquidations.ToLookup(l => l.Instrument);
        ILookup<int, FundingMarker> fundingByInstrument = result.FundingEvents.ToLookup(f => f.Instrument);
        foreach (MarkSeries series in result.Series.OrderBy(s => s.Instrument))
        {
            Instrument inst = catalog[series.Instrument];
            int count = byInstrument[series.Instrument].Count();
            b.Append("<h2 style=\"font-size:15px;margin:18px 0 2px\">").Append(E(inst.Symbol)).Append(" <span style=\"color:#5b6475;font-weight:400\">· ")
                .Append(count.ToString("N0", CultureInfo.InvariantCulture)).Append(" liquidation orders · ")
                .Append(series.Count.ToString("N0", CultureInfo.InvariantCulture)).Append(" marks</span></h2>\n");
            Chart(b, series, inst, byInstrument[series.Instrument], fundingByInstrument[series.Instrument], t0, t1);
        }

        if (result.Series.Count == 0)
        {
            b.Append("<p>No marks were replayed.</p>\n");
        }

        LargestTable(b, result, catalog);
        b.Append("<p style=\"color:#7a8394;margin-top:24px\">Amounts are exact decimals from the engine's fixed-point values. ")
            .Append("Times are feed times, UTC. Generated by the liquidation engine's replay command.</p>\n</body></html>\n");
        return b.ToString();
    }

    private static void Chart(StringBuilder b, MarkSeries series, Instrument inst, IEnumerable<LiquidationRecord> liquidations, IEnumerable<FundingMarker> funding, long t0, long t1)
    {
        var points = series.Points().ToList();
        long lo = points.Min(p => p.Mark);
        long hi = points.Max(p => p.Mark);
        foreach (LiquidationRecord l in liquidations)
        {
            lo = Math.Min(lo, l.TriggerMark);
            hi = Math.Max(hi, l.TriggerMark);
        }

        double pad = Math.Max((hi - lo) * 0.06, inst.TickSize.Raw * 5.0);
        double yLo = lo - pad;
        double yHi = hi + pad;
        double plotW = Width - Left - Right;
        double plotH = Height - Top - Bottom;
        double X(long t) => Left + ((t - t0) / (double)(t1 - t0) * plotW);
        double Y(long p) => Top + ((yHi - p) / (yHi - yLo) * plotH);

        b.Append("<svg class=\"chart\" width=\"100%\" style=\"max-width:").Append(Width).Append("px\"")
            .Append(" viewBox=\"0 0 ").Append(Width).Append(' ').Append(Height).Append("\" xmlns=\"http://www.w3.org/2000/svg\" font-size=\"11\" font-family=\"system-ui,sans-serif\">\n");

        // Grid and axes.
        for (int k = 0; k <= 4; k++)
        {
            double v = yLo + ((yHi - yLo) * k / 4.0);
            double y = Top + ((yHi - v) / (yHi - yLo) * plotH);
            b.Append("<line x1=\"").Append(F(Left)).Append("\" x2=\"").Append(F(Width - Right)).Append("\" y1=\"").Append(F(y)).Append("\" y2=\"").Append(F(y))
                .Append("\" stroke=\"#eef0f3\"/>");
            b.Append("<text x=\"").Append(F(Left - 6)).Append("\" y=\"").Append(F(y + 4)).Append("\" text-anchor=\"end\" fill=\"#5b6475\">")
                .Append(E(AxisPrice(v, inst))).Append("</text>\n");
        }

        for (int k = 0; k <= 6; k++)
        {
            long t = t0 + ((t1 - t0) * k / 6);
            double x = X(t);
            b.Append("<line x1=\"").Append(F(x)).Append("\" x2=\"").Append(F(x)).Append("\" y1=\"").Append(F(Top)).Append("\" y2=\"").Append(F(Height - Bottom))
                .Append("\" stroke=\"#f3f4f6\"/>");
            b.Append("<text x=\"").Append(F(x)).Append("\" y=\"").Append(F(Height - Bottom + 16)).Append("\" text-anchor=\"middle\" fill=\"#5b6475\">")
                .Append(E(AxisTime(t, t1 - t0))).Append("</text>\n");
        }

        // Funding settlements.
        foreach (FundingMarker f in funding)
        {
            double x = X(f.TimestampUs);
            string rate = FormatRatePercent(f.Rate);
            b.Append("<g><title>").Append(E($"funding settlement {LiquidationLog.FormatTime(f.TimestampUs)}: rate {rate} at {FixedPoint.Format(f.Price, Price.Decimals)}")).Append("</title>")
                .Append("<line x1=\"").Append(F(x)).Append("\" x2=\"").Append(F(x)).Append("\" y1=\"").Append(F(Top)).Append("\" y2=\"").Append(F(Height - Bottom))
                .Append("\" stroke=\"#6941c6\" stroke-dasharray=\"5 4\" stroke-width=\"1.5\"/>")
                .Append("<text x=\"").Append(F(x > Width - Right - 140 ? x - 4 : x + 4)).Append("\" y=\"").Append(F(Top + 11))
                .Append(x > Width - Right - 140 ? "\" text-anchor=\"end" : string.Empty)
                .Append("\" fill=\"#6941c6\">funding ").Append(E(rate)).Append("</text></g>\n");
        }

        // The mark line.
        b.Append("<polyline fill=\"none\" stroke=\"#1d4ed8\" stroke-width=\"1.3\" stroke-linejoin=\"round\" points=\"");
        foreach ((long t, long p) in points)
        {
            b.Append(F(X(t))).Append(',').Append(F(Y(p))).Append(' ');
        }

        b.Append("\"/>\n");

        // Liquidation markers, aggregated per pixel bucket and side.
        var buckets = new SortedDictionary<(int Bucket, int Group), MarkerBucket>();
        foreach (LiquidationRecord l in liquidations)
        {
            int bucket = (int)((X(l.TimestampUs) - Left) / MarkerBucketPx);
            int group = l.Settled && !l.Filled ? 2 : l.PositionSide > 0 ? 0 : 1;
            if (!buckets.TryGetValue((bucket, group), out MarkerBucket? m))
            {
                m = new MarkerBucket { FirstUs = l.TimestampUs };
                buckets[(bucket, group)] = m;
            }

            m.Add(l);
        }

        foreach (((int bucket, int group), MarkerBucket m) in buckets)
        {
            string color = group switch { 0 => "#d92d20", 1 => "#079455", _ => "#f79009" };
            double x = X(m.FirstUs + ((m.LastUs - m.FirstUs) / 2));
            double y = Y(m.MeanMark);
            double r = Math.Min(14, 2.5 + Math.Sqrt(m.Count));
            string what = group switch { 0 => "longs liquidated", 1 => "shorts liquidated", _ => "not filled (fund takeover / ADL)" };
            string tip = $"{m.Count:N0} {what} · {LiquidationLog.FormatTime(m.FirstUs)} → {LiquidationLog.FormatTime(m.LastUs)} · "
                + $"marks {FixedPoint.Format(m.MinMark, Price.Decimals)}–{FixedPoint.Format(m.MaxMark, Price.Decimals)} · notional {ReplayResult.M(m.Notional)}";
            b.Append("<circle cx=\"").Append(F(x)).Append("\" cy=\"").Append(F(y)).Append("\" r=\"").Append(F(r))
                .Append("\" fill=\"").Append(color).Append("\" fill-opacity=\"0.55\" stroke=\"").Append(color).Append("\"><title>")
                .Append(E(tip)).Append("</title></circle>\n");
        }

        b.Append("</svg>\n");
    }

    private static void LargestTable(StringBuilder b, ReplayResult result, InstrumentCatalog catalog)
    {
        var largest = result.Liquidations
            .OrderByDescending(l => l.NotionalAtTrigger)
            .ThenBy(l => l.OrderId)
            .Take(LargestRows)
            .ToList();
        b.Append("<h2>Largest liquidations</h2>\n");
        if (largest.Count == 0)
        {
            b.Append("<p>No position was liquidated.</p>\n");
            return;
        }

        b.Append("<div style=\"overflow-x:auto\"><table class=\"largest\"><tr><th>time (UTC)</th><th>instrument</th><th>account</th><th>order</th><th>position</th><th>kind</th>")
            .Append("<th class=\"n\">quantity</th><th class=\"n\">notional at trigger</th><th class=\"n\">trigger mark</th><th class=\"n\">bankruptcy price</th>")
            .Append("<th>execution</th><th class=\"n\">price</th><th class=\"n\">fee</th><th class=\"n\">insurance fund Δ</th></tr>\n");
        foreach (LiquidationRecord l in largest)
        {
            string asset = catalog.Assets[catalog[l.Instrument].SettlementAsset];
            b.Append("<tr><td>").Append(E(LiquidationLog.FormatTime(l.TimestampUs))).Append("</td><td>").Append(E(catalog[l.Instrument].Symbol))
                .Append("</td><td>").Append(l.Account.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(l.OrderId.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(l.PositionId.ToString(CultureInfo.InvariantCulture))
                .Append("</td><td>").Append(l.PositionSide > 0 ? "long, " : "short, ").Append(l.Kind == OrderKind.Partial ? "partial" : "full")
                .Append("</td><td class=\"n\">").Append(FixedPoint.Format(l.Quantity, Quantity.Decimals))
                .Append("</td><td class=\"n\">").Append(E(ReplayResult.M(l.NotionalAtTrigger))).Append(' ').Append(E(asset))
                .Append("</td><td class=\"n\">").Append(FixedPoint.Format(l.TriggerMark, Price.Decimals))
                .Append("</td><td class=\"n\">").Append(FixedPoint.Format(l.BankruptcyPrice, Price.Decimals))
                .Append("</td><td>").Append(E(l.Settled ? l.Execution : "open"))
                .Append("</td><td class=\"n\">").Append(l.Settled ? FixedPoint.Format(l.SettlementPrice, Price.Decimals) : string.Empty)
                .Append("</td><td class=\"n\">").Append(l.Settled ? E(ReplayResult.M(l.Fee)) : string.Empty)
                .Append("</td><td class=\"n\">").Append(l.Settled ? E(ReplayResult.M(l.FundDelta)) : string.Empty)
                .Append("</td></tr>\n");
        }

        b.Append("</table></div>\n");
    }

    private static string AxisPrice(double v, Instrument inst)
    {
        // Display only: as many decimals as the tick size has, at most 5.
        int decimals = Price.Decimals;
        for (long tick = inst.TickSize.Raw; decimals > 0 && tick % 10 == 0; tick /= 10)
        {
            decimals--;
        }

        return (v / Price.Scale).ToString("N" + Math.Min(decimals, 5).ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static string AxisTime(long t, long spanUs)
    {
        DateTime d = DateTime.UnixEpoch.AddTicks(t * 10);
        return spanUs > 36L * 3600 * 1_000_000
            ? d.ToString("MM-dd HH:mm", CultureInfo.InvariantCulture)
            : spanUs > 600L * 1_000_000 ? d.ToString("HH:mm", CultureInfo.InvariantCulture) : d.ToString("HH:mm:ss", CultureInfo.InvariantCulture);
    }

    /// <summary>A funding rate as an exact percentage: raw 10^-10 → percent with 8 decimals, trailing zeros dropped.</summary>
    private static string FormatRatePercent(long rateRaw)
    {
        string s = FixedPoint.Format(rateRaw, 8) + "%";
        return rateRaw > 0 ? "+" + s : s;
    }

    private static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private sealed class MarkerBucket
    {
        private Int128 _markSum;

        public long FirstUs { get; set; }

        public long LastUs { get; private set; }

        public long Count { get; private set; }

        public long MinMark { get; private set; } = long.MaxValue;

        public long MaxMark { get; private set; }

        public long Notional { get; private set; }

        public long MeanMark => (long)(_markSum / Count);

        public void Add(LiquidationRecord l)
        {
            Count++;
            LastUs = Math.Max(LastUs, l.TimestampUs);
            FirstUs = Math.Min(FirstUs, l.TimestampUs);
            MinMark = Math.Min(MinMark, l.TriggerMark);
            MaxMark = Math.Max(MaxMark, l.TriggerMark);
            Notional += l.NotionalAtTrigger;
            _markSum += l.TriggerMark;
        }
    }
}
