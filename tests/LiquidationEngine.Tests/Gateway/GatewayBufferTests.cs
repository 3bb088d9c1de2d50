using LiquidationEngine.Gateway;
using Xunit;

namespace LiquidationEngine.Tests.Gateway;

/// <summary>The per-connection outbound buffer and the order log that resuming clients replay from.</summary>
public class GatewayBufferTests
{
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
