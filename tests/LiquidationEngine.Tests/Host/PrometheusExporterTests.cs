using System.Diagnostics.Metrics;
using LiquidationEngine.Host.Daemon;
using Xunit;

namespace LiquidationEngine.Tests.Host;

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
}
