using System.Diagnostics.Metrics;
using LiquidationEngine.Gateway;
using LiquidationEngine.Host.Daemon;
using Xunit;

namespace LiquidationEngine.Tests.Daemon;

public class PrometheusExporterTests
{
    [Fact]
    public void Counters_gauges_and_histograms_render_in_the_prometheus_text_format()
    {
        string name = "test.meter." + Guid.NewGuid().ToString("N");
        using var meter = new Meter(name);
        using var exporter = new PrometheusExporter(name);
        Counter<long> rejects = meter.CreateCounter<long>("liqengine_rejects", description: "Rejected inputs, by reason.");
        Histogram<double> latency = meter.CreateHistogram<double>("liqengine_writer_latency_seconds", description: "Latency.");
        meter.CreateObservableGauge("liqengine_ring_lag", () => 42L, description: "Lag.");

        rejects.Add(2, new KeyValuePair<string, object?>("reason", "InsufficientBalance"));
        rejects.Add(1, new KeyValuePair<string, object?>("reason", "InsufficientBalance"));
        latency.Record(0.0003);
        latency.Record(0.02);

        string text = exporter.Render();

        Assert.Contains("# TYPE liqengine_rejects_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("liqengine_rejects_total{reason=\"InsufficientBalance\"} 3\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE liqengine_ring_lag gauge\nliqengine_ring_lag 42\n", text, StringComparison.Ordinal);
        Assert.Contains("liqengine_writer_latency_seconds_bucket{le=\"0.00025\"} 0\n", text, StringComparison.Ordinal);
        Assert.Contains("liqengine_writer_latency_seconds_bucket{le=\"0.0005\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("liqengine_writer_latency_seconds_bucket{le=\"+Inf\"} 2\n", text, StringComparison.Ordinal);
        Assert.Contains("liqengine_writer_latency_seconds_count 2\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void A_full_outbound_buffer_refuses_a_frame_whole_and_keeps_what_it_holds_in_order()
    {
        using var buffer = new OutboundBuffer(100);
        byte[] a = Enumerable.Range(1, 60).Select(i => (byte)i).ToArray();
        byte[] b = Enumerable.Range(100, 30).Select(i => (byte)i).ToArray();

        Assert.True(buffer.TryEnqueue(a));
        Assert.True(buffer.TryEnqueue(b));
        Assert.False(buffer.TryEnqueue(new byte[11]));
        byte[] out1 = new byte[50];
        Assert.Equal(50, buffer.Dequeue(out1));
        Assert.True(buffer.TryEnqueue(a.AsSpan(0, 40))); // wraps around the end of the ring
        byte[] rest = new byte[200];
        int n = buffer.Dequeue(rest);

        Assert.Equal([.. a, .. b, .. a[..40]], [.. out1, .. rest[..n]]);
    }

    [Fact]
    public void The_order_log_replays_after_the_resume_point_and_reports_a_gap_once_entries_were_evicted()
    {
        var log = new OrderLog(3);
        for (long s = 1; s <= 5; s++)
        {
            log.Append(s * 10, [(byte)s]);
        }

        List<byte[]> fromThirty = log.After(30, out bool gapAtThirty);
        log.After(10, out bool gapAtTen);

        Assert.Equal([[4], [5]], fromThirty);
        Assert.False(gapAtThirty);
        Assert.True(gapAtTen);
        Assert.Equal((30L, 50L), (log.Oldest, log.Newest));
    }
}
