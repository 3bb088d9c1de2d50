using LiquidationEngine.Ring;
using Xunit;

namespace LiquidationEngine.Tests.Ring;

/// <summary>A full ring holds producers back; it never drops or overwrites an event a consumer has not handled.
/// The consumer here is a bare <see cref="Sequence"/> the test moves by hand.</summary>
[Collection(SerialRingTests.Name)]
public sealed class BackPressureTests
{
    private struct Slot
    {
        public long Value;
    }

    private static RingBuffer<Slot> CreateRing(string producers, int capacity) => producers switch
    {
        "single" => RingBuffer<Slot>.CreateSingleProducer(capacity, new BlockingWaitStrategy()),
        "multi" => RingBuffer<Slot>.CreateMultiProducer(capacity, new BlockingWaitStrategy()),
        _ => throw new ArgumentOutOfRangeException(nameof(producers)),
    };

    /// <summary>A 4-slot ring gated by one hand-moved <paramref name="consumer"/> that has handled nothing yet, with
    /// sequences 0 to 3 published (values 100 to 103): full.</summary>
    private static RingBuffer<Slot> FullRing(string producers, out Sequence consumer)
    {
        RingBuffer<Slot> ring = CreateRing(producers, 4);
        consumer = new Sequence();
        ring.AddGatingSequences(consumer);
        Fill(ring, 4);
        return ring;
    }

    private static void Fill(RingBuffer<Slot> ring, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Assert.True(ring.TryNext(out long s));
            ring[s].Value = 100 + s;
            ring.Publish(s);
        }
    }

    [Theory]
    [InlineData("single")]
    [InlineData("multi")]
    public void TryNext_reports_a_full_ring_until_the_consumer_moves(string producers)
    {
        RingBuffer<Slot> ring = FullRing(producers, out Sequence consumer);

        Assert.Equal(0, ring.RemainingCapacity);
        Assert.False(ring.TryNext(out _));
        Assert.False(ring.TryNext(out _));
        Assert.Equal(3, ring.Cursor);

        consumer.SetValue(0); // the consumer has handled sequence 0: its slot may be reused

        Assert.Equal(1, ring.RemainingCapacity);
        Assert.False(ring.TryNext(2, out _));
        Assert.True(ring.TryNext(out long next));
        Assert.Equal(4, next);
        Assert.False(ring.TryNext(out _));
    }

    [Theory]
    [InlineData("single")]
    [InlineData("multi")]
    public void Next_waits_for_the_consumer_instead_of_overwriting_an_unread_slot(string producers)
    {
        RingBuffer<Slot> ring = FullRing(producers, out Sequence consumer);

        long claimed = -1;
        long consumerWhenClaimed = long.MinValue;
        var producer = new Thread(() =>
        {
            claimed = ring.Next(); // must wait: its slot still holds sequence 0
            consumerWhenClaimed = consumer.Value;
            ring[claimed].Value = 999;
            ring.Publish(claimed);
        })
        { Name = "back-pressure-producer", IsBackground = true };
        producer.Start();

        // Give a wrong implementation every chance to claim early; a right one is still waiting.
        Assert.False(producer.Join(TimeSpan.FromMilliseconds(200)));
        Assert.Equal(100, ring[0].Value);
        Assert.Equal(3, ring.Cursor);

        consumer.SetValue(0);

        Assert.True(producer.Join(Eventually.Patience));
        Assert.Equal(4, claimed);
        Assert.Equal(0, consumerWhenClaimed);
        Assert.Equal(999, ring[4].Value);
        Assert.Equal(101, ring[1].Value); // the slots the consumer has not handled are untouched
        Assert.Equal(4, ring.Cursor);
    }

    [Fact]
    public void A_producer_waits_for_the_slowest_of_several_consumers()
    {
        RingBuffer<Slot> ring = CreateRing("single", 4);
        var fast = new Sequence();
        var slow = new Sequence();
        ring.AddGatingSequences(fast, slow);
        Fill(ring, 4);

        fast.SetValue(3);

        Assert.False(ring.TryNext(out _));

        slow.SetValue(1);

        Assert.Equal(2, ring.RemainingCapacity);
        Assert.True(ring.TryNext(2, out long hi));
        Assert.Equal(5, hi);
    }
}
