using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Support;

/// <summary>A deterministic stream of ledger commands and ticks over the test catalog that liquidates, settles,
/// closes and reopens positions (so slots are freed and reused).</summary>
internal static class Scenario
{
    public static List<EngineCommand> Commands(int rounds = 6, int accounts = 12, int seed = 7)
    {
        var random = new Random(seed);
        var list = new List<EngineCommand>();
        for (int a = 1; a <= accounts; a++)
        {
            list.Add(new EngineCommand { Kind = CommandKind.Deposit, Account = a, Asset = Usdt, Amount = Usd("100000") });
        }

        list.Add(new EngineCommand { Kind = CommandKind.InsuranceDeposit, Asset = Usdt, Amount = Usd("1000000") });
        long orderId = 0;
        for (int round = 0; round < rounds; round++)
        {
            list.Add(Tick(0, 20000));
            for (int a = 1; a <= accounts; a++)
            {
                int side = (a + round) % 2 == 0 ? 1 : -1;
                int leverage = 5 + random.Next(0, 20);
                list.Add(new EngineCommand
                {
                    Kind = CommandKind.TradeFill, Account = a, Instrument = 0, Side = (sbyte)side, Leverage = leverage,
                    Quantity = Qty("0.5"), Price = Px("20000"), Aux = Usd("1"), ClientSequence = list.Count,
                });
            }

            // Swing the mark down then up: longs then shorts breach.
            foreach (int mark in new[] { 19500, 19000, 18200, 17500, 20000, 21500, 22800, 24000 })
            {
                list.Add(Tick(0, mark + random.Next(0, 50)));
            }

            // Settle some orders: ids are a counter in ring order, so earlier ones exist (unknown ids are rejected).
            for (int k = 0; k < 6; k++)
            {
                orderId++;
                list.Add(k % 2 == 0
                    ? new EngineCommand { Kind = CommandKind.LiquidationNoFill, Aux = orderId }
                    : new EngineCommand { Kind = CommandKind.LiquidationFill, Aux = orderId, Quantity = Qty("0.5"), Price = Px("20000") });
            }

            // Close what survived, so slots return to the free list in a non-ascending order.
            for (int a = accounts; a >= 1; a -= 2)
            {
                int side = (a + round) % 2 == 0 ? -1 : 1;
                list.Add(new EngineCommand { Kind = CommandKind.TradeFill, Account = a, Instrument = 0, Side = (sbyte)side, Quantity = Qty("0.5"), Price = Px("20000"), Leverage = 10 });
            }

            list.Add(new EngineCommand { Kind = CommandKind.FundingSettlement, Instrument = 0, Amount = R("0.0001").Raw, Price = Px("20000") });
        }

        return list;
    }

    public static EngineCommand Tick(int instrument, long whole) => new() { Kind = CommandKind.MarkTick, Instrument = instrument, Price = whole * 100_000_000L };

    /// <summary>A temp directory removed on dispose.</summary>
    public sealed class TempDir : IDisposable
    {
        public TempDir() => Path = Directory.CreateTempSubdirectory("liq-test-").FullName;

        public string Path { get; }

        public string Journal => System.IO.Path.Combine(Path, "journal");

        public string Snapshots => System.IO.Path.Combine(Path, "snapshots");

        public void Dispose()
        {
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The repository root (where LiquidationEngine.sln is), found from the test binaries.</summary>
    public static string RepoRoot()
    {
        for (DirectoryInfo? d = new(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(d.FullName, "LiquidationEngine.sln")))
            {
                return d.FullName;
            }
        }

        throw new DirectoryNotFoundException("LiquidationEngine.sln not found above " + AppContext.BaseDirectory);
    }

    public static Engine NewEngine() => new(Catalog(), positions: 64);
}
