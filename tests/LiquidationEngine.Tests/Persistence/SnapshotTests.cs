using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.Persistence;
using LiquidationEngine.Pipeline;
using LiquidationEngine.State;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Persistence;

public class SnapshotTests
{
    /// <summary>Opens, closes (so the free list is not in slot order), funding, a liquidation left open.</summary>
    internal static Engine Busy()
    {
        var e = new Engine(positions: 8);
        for (int a = 1; a <= 20; a++)
        {
            e.Deposit(a, "100000");
            e.Fill(a, 0, a % 2 == 0 ? 1 : -1, "0.5", "20000", leverage: 5 + a);
        }

        foreach (int a in new[] { 7, 2, 13, 4 })
        {
            e.Fill(a, 0, a % 2 == 0 ? -1 : 1, "0.5", "20100");
        }

        e.Funding(0, "0.0002", "20000");
        e.Tick(0, "18500");
        return e;
    }

    private static (EngineState State, long Sequence) RoundTrip(Engine e, int minCapacity = 0)
    {
        using var stream = new MemoryStream();
        EngineSnapshot.Write(e.State, 41, stream);
        stream.Position = 0;
        EngineState restored = EngineSnapshot.Read(stream, e.Catalog, out long seq, minCapacity);
        return (restored, seq);
    }

    [Fact]
    public void A_snapshot_restores_the_same_state_hash_and_sequence()
    {
        Engine e = Busy();
        Assert.NotEmpty(e.State.OpenOrders);
        (EngineState restored, long seq) = RoundTrip(e);
        Assert.Equal(41, seq);
        Assert.Equal(e.Hash(), StateHasher.Compute(restored));
    }

    [Fact]
    public void A_restored_engine_behaves_exactly_like_the_original_afterwards()
    {
        foreach (int minCapacity in new[] { 0, 1000 })
        {
            Engine original = Busy();
            (EngineState restored, _) = RoundTrip(original, minCapacity);
            var log = new EventLog();
            var core = new EngineCore(restored, log);
            var script = new List<EngineCommand>();
            for (int a = 30; a < 60; a++)
            {
                script.Add(new EngineCommand { Kind = CommandKind.Deposit, Account = a, Amount = Usd("50000") });
                script.Add(new EngineCommand { Kind = CommandKind.TradeFill, Account = a, Instrument = 0, Side = 1, Quantity = Qty("0.2"), Price = Px("18500"), Leverage = 20 });
            }

            script.Add(new EngineCommand { Kind = CommandKind.MarkTick, Instrument = 0, Price = Px("17000") });
            long seq = 100;
            foreach (EngineCommand c in script)
            {
                original.Apply(c);
                EngineCommand copy = c;
                core.Apply(ref copy, seq++);
            }

            Assert.Equal(original.Hash(), StateHasher.Compute(restored));
            Assert.Equal(
                original.Log.OfKind(EventKind.LiquidationOrder).Select(o => (o.OrderId, o.PositionId)).TakeLast(10),
                log.OfKind(EventKind.LiquidationOrder).Select(o => (o.OrderId, o.PositionId)).TakeLast(10));
        }
    }

    [Fact]
    public void A_torn_snapshot_is_refused()
    {
        Engine e = Busy();
        using var stream = new MemoryStream();
        EngineSnapshot.Write(e.State, 1, stream);
        byte[] bytes = stream.ToArray();
        bytes[bytes.Length / 2] ^= 0x40;
        Assert.Throws<InvalidDataException>(() => EngineSnapshot.Read(new MemoryStream(bytes), e.Catalog, out _));
        Assert.Throws<InvalidDataException>(() => EngineSnapshot.Read(new MemoryStream(bytes[..(bytes.Length - 5)]), e.Catalog, out _));
    }
}
