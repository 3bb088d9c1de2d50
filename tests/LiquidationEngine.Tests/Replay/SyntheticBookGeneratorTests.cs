using System.Numerics;
using Xunit;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Pipeline;
using LiquidationEngine.Replay;
using LiquidationEngine.Risk;
using LiquidationEngine.State;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Replay;

public sealed class SyntheticBookGeneratorTests
{
    private static readonly InstrumentCatalog Catalog = ReplayTestKit.Catalog;

    private static int Ix(string symbol) => Catalog.TryFind(symbol, out Instrument i) ? i.Index : throw new ArgumentException(symbol);

    private static SyntheticBookOptions Options(int positions, ulong seed, params string[] symbols) => new()
    {
        Positions = positions,
        Seed = seed,
        Instruments = [.. symbols.Select(Ix)],
    };

    [Fact]
    public void The_same_seed_gives_the_same_book_and_another_seed_a_different_one()
    {
        PositionBook a = SyntheticBookGenerator.Generate(Catalog, Options(5_000, 7, "BTC-USDT-PERP", "SOL-USDT-PERP"));
        PositionBook b = SyntheticBookGenerator.Generate(Catalog, Options(5_000, 7, "BTC-USDT-PERP", "SOL-USDT-PERP"));
        PositionBook c = SyntheticBookGenerator.Generate(Catalog, Options(5_000, 8, "BTC-USDT-PERP", "SOL-USDT-PERP"));
        Assert.Equal(a.Positions, b.Positions);
        Assert.Equal(a.Balances, b.Balances);
        Assert.NotEqual(a.Positions, c.Positions);
        Assert.Equal(5_000, a.Positions.Count);
    }

    [Fact]
    public void The_leverage_mix_follows_the_documented_bands()
    {
        // BTC and ETH allow 125x in their first bracket, so no band is capped: the shares must match the weights.
        PositionBook book = SyntheticBookGenerator.Generate(Catalog, Options(40_000, 42, "BTC-USDT-PERP", "ETH-USDT-PERP"));
        foreach ((int min, int max, int weight) in SyntheticBookGenerator.LeverageBands)
        {
            double share = book.Positions.Count(p => p.Leverage >= min && p.Leverage <= max) * 100.0 / book.Positions.Count;
            Assert.InRange(share, weight - 1.5, weight + 1.5);
        }

        // "Many at 5–20x, a tail at 50–125x".
        Assert.Contains(book.Positions, p => p.Leverage == 125);
        Assert.Contains(book.Positions, p => p.Leverage == 1);
    }

    [Fact]
    public void No_generated_leverage_exceeds_the_bracket_maximum_at_its_notional()
    {
        PositionBook book = SyntheticBookGenerator.Generate(Catalog, Options(40_000, 42, "BTC-USDT-PERP", "ETH-USDT-PERP", "SOL-USDT-PERP", "DOGE-USDT-PERP"));
        foreach (BookPosition p in book.Positions)
        {
            Instrument inst = Catalog[p.Instrument];
            int bracket = inst.BracketIndexForProduct(Math.BigMul(p.Quantity, p.EntryPrice));
            Assert.True(p.Leverage <= inst.Brackets[bracket].MaxLeverage, $"{inst.Symbol} {p.Leverage}x at bracket {bracket + 1}");
            Assert.Equal(0, p.Quantity % inst.LotSize.Raw);
            Assert.Equal(0, p.EntryPrice % inst.TickSize.Raw);
        }

        // SOL and DOGE cap at 75x: their tail is there, and capped.
        Assert.Contains(book.Positions, p => p.Instrument == Ix("DOGE-USDT-PERP") && p.Leverage == 75);
        Assert.DoesNotContain(book.Positions, p => p.Instrument == Ix("SOL-USDT-PERP") && p.Leverage > 75);
    }

    [Fact]
    public void Generated_entries_lie_within_the_spread_of_the_anchor()
    {
        PositionBook book = SyntheticBookGenerator.Generate(Catalog, Options(10_000, 3, "BTC-USDT-PERP", "DOGE-USDT-PERP"));
        foreach (BookPosition p in book.Positions)
        {
            long anchor = Catalog[p.Instrument].ReferencePrice.Raw;
            long tick = Catalog[p.Instrument].TickSize.Raw;

            // ±1% (the default spread) and one tick of rounding.
            Assert.InRange(p.EntryPrice, anchor - (anchor / 100) - tick, anchor + (anchor / 100));
        }
    }

    [Fact]
    public void Every_generated_position_is_accepted_by_the_engine_and_none_starts_in_breach_at_the_anchor()
    {
        PositionBook book = SyntheticBookGenerator.Generate(Catalog, Options(20_000, 11, "BTC-USDT-PERP", "ETH-USDT-PERP", "SOL-USDT-PERP", "DOGE-USDT-PERP"));
        var log = new EventLog();
        var state = new EngineState(Catalog, 32_768, 32_768, 1024);
        var core = new EngineCore(state, log);
        long sequence = 0;
        foreach (EngineCommand command in book.Commands(sourceId: 0, timestampUs: 0))
        {
            EngineCommand c = command;
            Assert.Equal(RejectReason.None, core.Apply(ref c, sequence++));
        }

        Assert.Equal(book.Positions.Count, state.Positions.Count);

        // A mark at each anchor (the reference price) triggers nothing.
        foreach (int instrument in book.Positions.Select(p => p.Instrument).Distinct())
        {
            var tick = new EngineCommand { Kind = CommandKind.MarkTick, Instrument = instrument, Price = Catalog[instrument].ReferencePrice.Raw };
            Assert.Equal(RejectReason.None, core.Apply(ref tick, sequence++));
        }

        Assert.Empty(log.OfKind(EventKind.LiquidationOrder));
    }

    [Fact]
    public void A_generated_long_and_short_have_the_liquidation_price_of_the_hand_formula()
    {
        PositionBook book = SyntheticBookGenerator.Generate(Catalog, Options(2_000, 5, "BTC-USDT-PERP"));
        Instrument btc = Catalog[Ix("BTC-USDT-PERP")];
        foreach (int side in new[] { 1, -1 })
        {
            // A position small enough to stay in bracket 1 (MMR 0.4%, cum 0) at its liquidation price, without extra margin.
            BookPosition p = book.Positions.First(p => p.Side == side && p.ExtraMargin == 0
                && Math.BigMul(p.Quantity, p.EntryPrice) < (Int128)30_000 * 100_000_000 * 100_000_000);

            // M = IM = ⌈q·EP / L⌉ (raw money); LP = (M + cum − side·q·EP) / (q·MMR − side·q)  (REFERENCE.md §3).
            BigInteger q = p.Quantity;
            BigInteger ep = p.EntryPrice;
            BigInteger margin = Ceiling(q * ep, BigInteger.Pow(10, 8) * p.Leverage);
            BigInteger mmr = 40_000_000; // 0.004 at 10^-10
            BigInteger numerator = (margin * BigInteger.Pow(10, 18)) - (side * q * ep * BigInteger.Pow(10, 10));
            BigInteger denominator = (q * mmr) - (side * q * BigInteger.Pow(10, 10));
            BigInteger expected = side > 0 ? Ceiling(numerator, denominator) : Floor(numerator, denominator);

            Assert.True(PositionRisk.TryLiquidationPrice(new RiskInputs(side, p.Quantity, p.EntryPrice, (long)margin, p.Leverage), btc, out long lp));
            Assert.Equal((long)expected, lp);
        }
    }

    private static BigInteger Floor(BigInteger n, BigInteger d)
    {
        BigInteger q = BigInteger.DivRem(n, d, out BigInteger r);
        return r != 0 && (r.Sign != d.Sign) ? q - 1 : q;
    }

    private static BigInteger Ceiling(BigInteger n, BigInteger d)
    {
        BigInteger q = BigInteger.DivRem(n, d, out BigInteger r);
        return r != 0 && (r.Sign == d.Sign) ? q + 1 : q;
    }
}
