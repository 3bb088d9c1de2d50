using LiquidationEngine.Ring;
using Xunit;

namespace LiquidationEngine.Tests.Ring;

[Collection(SerialRingTests.Name)]
public sealed class ConstructionTests
{
    private struct Slot
    {
        public long Value;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-4)]
    [InlineData(3)]
    [InlineData(6)]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]
    public void A_capacity_that_is_not_a_positive_power_of_two_is_rejected(int capacity)
    {
        var single = Assert.Throws<ArgumentException>(
            () => RingBuffer<Slot>.CreateSingleProducer(capacity, new BlockingWaitStrategy()));
        var multi = Assert.Throws<ArgumentException>(
            () => RingBuffer<Slot>.CreateMultiProducer(capacity, new BlockingWaitStrategy()));

        Assert.Contains("power of two", single.Message, StringComparison.Ordinal);
        Assert.Contains(capacity.ToString(System.Globalization.CultureInfo.InvariantCulture), multi.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(1024)]
    public void A_power_of_two_capacity_gives_a_ring_of_that_size_with_every_slot_free(int capacity)
    {
        RingBuffer<Slot> ring = RingBuffer<Slot>.CreateSingleProducer(capacity, new BlockingWaitStrategy());
        ring.AddGatingSequences(new Sequence());

        Assert.Equal(capacity, ring.BufferSize);
        Assert.Equal(capacity, ring.RemainingCapacity);
        Assert.Equal(-1, ring.Cursor);
    }

    [Fact]
    public void Slots_are_distinct_for_one_lap_and_reused_on_the_next()
    {
        RingBuffer<Slot> ring = RingBuffer<Slot>.CreateSingleProducer(8, new BlockingWaitStrategy());
        for (long s = 0; s < 8; s++)
        {
            ring[s].Value = s;
        }

        for (long s = 0; s < 8; s++)
        {
            Assert.Equal(s, ring[s].Value);
            Assert.Equal(s, ring[s + 8].Value);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(9)]
    public void Claiming_fewer_than_one_or_more_slots_than_the_ring_holds_is_rejected(int n)
    {
        RingBuffer<Slot> single = RingBuffer<Slot>.CreateSingleProducer(8, new BlockingWaitStrategy());
        RingBuffer<Slot> multi = RingBuffer<Slot>.CreateMultiProducer(8, new BlockingWaitStrategy());

        Assert.Throws<ArgumentOutOfRangeException>(() => single.Next(n));
        Assert.Throws<ArgumentOutOfRangeException>(() => multi.Next(n));
        Assert.Throws<ArgumentOutOfRangeException>(() => single.TryNext(n, out _));
        Assert.Throws<ArgumentOutOfRangeException>(() => multi.TryNext(n, out _));
    }

    [Theory]
    [InlineData("busy-spin", typeof(BusySpinWaitStrategy))]
    [InlineData("Yielding", typeof(YieldingWaitStrategy))]
    [InlineData("SLEEPING", typeof(SleepingWaitStrategy))]
    [InlineData("blocking", typeof(BlockingWaitStrategy))]
    public void Wait_strategy_names_are_read_case_insensitively(string name, Type expected)
    {
        IWaitStrategy strategy = WaitStrategies.Create(name);

        Assert.IsType(expected, strategy);
        Assert.Equal(expected == typeof(BlockingWaitStrategy), strategy.IsBlockingStrategy);
    }

    [Theory]
    [InlineData("")]
    [InlineData("spin")]
    [InlineData("busyspin")]
    [InlineData("lite-blocking")]
    public void An_unknown_wait_strategy_name_is_rejected_with_the_valid_names(string name)
    {
        var error = Assert.Throws<ArgumentException>(() => WaitStrategies.Create(name));

        Assert.Equal("name", error.ParamName);
        foreach (string valid in new[] { "busy-spin", "yielding", "sleeping", "blocking" })
        {
            Assert.Contains(valid, error.Message, StringComparison.Ordinal);
        }
    }
}
