using System.Numerics;
using Xunit;
using static LiquidationEngine.Tests.Support.RandomRiskTables;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;
using LiquidationEngine.State;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Liquidation;

/// <summary>
/// The index must find exactly what a full scan finds. For 10,000 random scenarios (random risk tables, positions,
/// funding, margin moves, tick paths with gaps and wicks) the set and order of liquidation orders after every tick
/// equals an independent brute-force scan written here with BigInteger rationals, not with the engine's math.
/// </summary>
public class LiquidationIndexDifferentialTests
{
    [Fact]
    public void The_index_liquidates_the_same_positions_in_the_same_order_as_a_full_scan_over_10000_scenarios()
    {
        long ticksCompared = 0, liquidations = 0;
        for (int seed = 0; seed < 10_000; seed++)
        {
            (long t, long l) = RunScenario(seed);
            ticksCompared += t;
            liquidations += l;
        }

        // Guard against a vacuous pass: the scenarios must really liquidate.
        Assert.True(liquidations > 20_000, $"only {liquidations} liquidations over {ticksCompared} ticks");
    }

    private static (long Ticks, long Liquidations) RunScenario(int seed)
    {
        var rng = new Random(seed);
        InstrumentCatalog catalog = RandomCatalog(rng);
        var e = new Engine(catalog, positions: 8);
        for (long a = 1; a <= 12; a++)
        {
            e.Deposit(a, "100000000");
        }

        e.InsuranceDeposit("1000000000");
        long[] marks = catalog.Instruments.Select(i => i.ReferencePrice.Raw).ToArray();
        long ticks = 0, liquidations = 0;
        for (int step = 0; step < 60; step++)
        {
            int inst = rng.Next(catalog.Count);
            Instrument instrument = catalog[inst];
            long tick = instrument.TickSize.Raw;
            long Grid(double price) => Math.Max(tick, (long)price / tick * tick);
            int roll = rng.Next(10);
            if (roll < 3)
            {
                long account = rng.Next(1, 13);
                long price = Grid(marks[inst] * (0.97 + (rng.NextDouble() * 0.06)));
                long qty = instrument.LotSize.Raw * rng.Next(1, 400);
                e.Apply(new EngineCommand
                {
                    Kind = CommandKind.TradeFill, Account = account, Instrument = inst, Side = (sbyte)(rng.Next(2) * 2 - 1),
                    Quantity = qty, Price = price, Leverage = rng.Next(1, 60),
                });
            }
            else if (roll == 3)
            {
                e.Apply(new EngineCommand { Kind = CommandKind.FundingSettlement, Instrument = inst, Price = marks[inst], Amount = Rate.Parse("0.0005").Raw * rng.Next(-20, 21) });
            }
            else if (roll == 4)
            {
                var kind = rng.Next(2) == 0 ? CommandKind.AddMargin : CommandKind.RemoveMargin;
                e.Apply(new EngineCommand { Kind = kind, Account = rng.Next(1, 13), Instrument = inst, Amount = Money.Parse("5").Raw * rng.Next(1, 200) });
            }
            else if (roll == 5 && e.State.OpenOrders.Count > 0)
            {
                long id = e.State.OpenOrders.Keys.Min();
                OpenOrder o = e.State.OpenOrders[id];
                if (rng.Next(3) == 0)
                {
                    e.Apply(new EngineCommand { Kind = CommandKind.LiquidationNoFill, Aux = id });
                }
                else
                {
                    e.Apply(new EngineCommand { Kind = CommandKind.LiquidationFill, Aux = id, Quantity = o.Remaining, Price = o.BankruptcyPrice });
                }
            }
            else
            {
                // Random walk, with gaps and wicks.
                double move = rng.Next(5) switch { 0 => -0.25, 1 => 0.25, _ => (rng.NextDouble() - 0.5) * 0.04 };
                long mark = Grid(marks[inst] * (1 + move));
                if (Math.Abs(move) >= 0.25 && rng.Next(2) == 0)
                {
                    mark = Grid(marks[inst] * (1 - (move / 2))); // a wick the other way
                }

                List<long> expected = BruteForce(e.State, inst, mark);
                int before = e.Log.Events.Count;
                e.Apply(new EngineCommand { Kind = CommandKind.MarkTick, Instrument = inst, Price = mark });
                List<long> actual = e.Log.Events.Skip(before).Where(x => x.Kind == EventKind.LiquidationOrder).Select(x => x.PositionId).ToList();
                Assert.True(expected.SequenceEqual(actual), $"seed {seed} step {step}: expected [{string.Join(",", expected)}] got [{string.Join(",", actual)}]");
                marks[inst] = mark;
                ticks++;
                liquidations += actual.Count;
            }
        }

        return (ticks, liquidations);
    }

    /// <summary>Full scan: every open position of the instrument with equity &lt; MM at the mark, most underwater first.</summary>
    private static List<long> BruteForce(EngineState s, int instrument, long mark)
    {
        Instrument inst = s.Catalog[instrument];
        var breached = new List<(BigInteger Equity, BigInteger Mm, long Id)>();
        PositionStore p = s.Positions;
        for (int slot = 0; slot < p.Capacity; slot++)
        {
            if (p.Status[slot] != PositionStatus.Open || p.Instrument[slot] != instrument)
            {
                continue;
            }

            BigInteger size = p.Size[slot];
            BigInteger q = BigInteger.Abs(size);
            int side = size.Sign;
            long cum = s.Funding.Cumulative[(instrument * 2) + (side < 0 ? 1 : 0)];
            BigInteger owed = q * (cum - p.FundingSnapshot[slot]);
            BigInteger pending = CeilDiv(owed, 1_000_000_000_000);
            BigInteger margin = p.Margin[slot] - pending;

            // Scale everything to 10^-26 money so nothing is rounded: equity·10^18 and q·P·MMR.
            BigInteger equity = (margin * BigInteger.Pow(10, 18)) + (side * q * (mark - p.Entry[slot]) * BigInteger.Pow(10, 10));
            long mmPrice = inst.Basis == MaintenanceBasis.Mark ? mark : p.Entry[slot];
            BigInteger notional = q * mmPrice; // 10^-16 money
            RiskBracket b = inst.Brackets[^1];
            foreach (RiskBracket candidate in inst.Brackets)
            {
                BigInteger cap = (BigInteger)candidate.Cap.Raw * 100_000_000;
                if (inst.Boundary == BracketBoundary.CapInclusive ? notional <= cap : notional < cap)
                {
                    b = candidate;
                    break;
                }
            }

            BigInteger mm = (notional * b.MaintenanceRate.Raw) - ((BigInteger)b.MaintenanceAmount.Raw * BigInteger.Pow(10, 18));
            if (equity < mm)
            {
                breached.Add((FloorDiv(equity, BigInteger.Pow(10, 18)), CeilDiv(mm, BigInteger.Pow(10, 18)), p.PositionId(slot)));
            }
        }

        breached.Sort((a, b) =>
        {
            int c = (a.Equity * BigInteger.Max(b.Mm, 1)).CompareTo(b.Equity * BigInteger.Max(a.Mm, 1));
            return c != 0 ? c : a.Id.CompareTo(b.Id);
        });
        return breached.Select(x => x.Id).ToList();
    }

    private static InstrumentCatalog RandomCatalog(Random rng)
    {
        var instruments = new List<Instrument>();
        for (int i = 0; i < 3; i++)
        {
            List<RiskBracket> brackets = RandomRiskTables.Brackets(rng, maxBrackets: 5, maxCapStepThousands: 60, maxMmrStepBp: 150);
            var basis = rng.Next(4) == 0 ? MaintenanceBasis.Entry : MaintenanceBasis.Mark;
            long refPrice = rng.Next(2) == 0 ? 2_000_000_000_000 : 50_000_000_000;
            var boundary = rng.Next(2) == 0 ? BracketBoundary.CapInclusive : BracketBoundary.FloorInclusive;
            instruments.Add(new Instrument(i, $"R{i}", 0, new Price(1_000_000), new Quantity(100_000), Rate.Parse("0.005"), basis, brackets, new Price(refPrice), boundary));
        }

        return new InstrumentCatalog(["USDT"], instruments);
    }
}
