using BenchmarkDotNet.Attributes;
using LiquidationEngine.Benchmarks.Engine;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;
using LiquidationEngine.Perf;
using LiquidationEngine.Pipeline;

namespace LiquidationEngine.Benchmarks.Ledger;

/// <summary>
/// User commands through the writer's code path (<see cref="EngineCore.Apply"/>) beside a 1M-position book with
/// marks on every instrument: open a position, add margin to it, close it. Each figure is per command.
/// </summary>
/// <remarks>
/// <see cref="Operations"/> extra accounts, each funded in its instrument's settlement asset, work on one instrument
/// each (spread over all 200). Open and close change the state, so an untimed [IterationSetup] puts the accounts back
/// (flat before an open, positioned before a close) and each iteration times all <see cref="Operations"/> commands once.
/// Add-margin moves 1 unit per command (re-keying the position in the index) and needs no reset.
/// </remarks>
[MemoryDiagnoser]
public class LedgerBenchmarks
{
    private const int Operations = 10_000;
    private const int BackgroundPositions = 1_000_000;

    private Book _book = null!;
    private EngineCommand[] _opens = [];
    private EngineCommand[] _adds = [];
    private EngineCommand[] _closes = [];
    private bool _positioned;

    [GlobalSetup]
    public void Setup()
    {
        InstrumentCatalog catalog = PerfCatalog.Load();
        var layout = new SpreadLayout(catalog);
        int accounts = (BackgroundPositions + layout.PositionsPerAccount - 1) / layout.PositionsPerAccount;
        _book = Book.Build(layout, BackgroundPositions, new BookOptions
        {
            PositionCapacity = BackgroundPositions + Operations,
            AccountCapacity = accounts + Operations,
        });
        foreach (EngineCommand tick in QuietTicks.Create(catalog, rounds: 1))
        {
            Apply(tick, "tick");
        }

        _opens = new EngineCommand[Operations];
        _adds = new EngineCommand[Operations];
        _closes = new EngineCommand[Operations];
        for (int k = 0; k < Operations; k++)
        {
            long account = accounts + 1L + k;
            Instrument inst = catalog[k % catalog.Count];
            Apply(new EngineCommand { Kind = CommandKind.Deposit, Account = account, Asset = (short)inst.SettlementAsset, Amount = 1_000_000 * Money.Scale }, "deposit");
            long tick = inst.TickSize.Raw;
            long price = inst.ReferencePrice.Raw - (inst.ReferencePrice.Raw % tick);
            long lot = inst.LotSize.Raw;
            long quantity = Math.Max(lot, (long)(Math.BigMul(1_000 * Money.Scale, Quantity.Scale) / price) / lot * lot);
            sbyte side = (sbyte)(k % 2 == 0 ? 1 : -1);
            _opens[k] = new EngineCommand { Kind = CommandKind.TradeFill, Account = account, Instrument = inst.Index, Side = side, Quantity = quantity, Price = price, Leverage = 10 };
            _closes[k] = _opens[k] with { Side = (sbyte)-side };
            _adds[k] = new EngineCommand { Kind = CommandKind.AddMargin, Account = account, Instrument = inst.Index, Amount = Money.Scale };
        }
    }

    [GlobalSetup(Target = nameof(AddMargin))]
    public void SetupPositioned()
    {
        Setup();
        EnsurePositioned();
    }

    [GlobalCleanup]
    public void Cleanup() => _book = null!;

    [IterationSetup(Target = nameof(Open))]
    public void EnsureFlat()
    {
        if (_positioned)
        {
            ApplyAll(_closes, "close");
            _positioned = false;
        }
    }

    [IterationSetup(Target = nameof(Close))]
    public void EnsurePositioned()
    {
        if (!_positioned)
        {
            ApplyAll(_opens, "open");
            _positioned = true;
        }
    }

    /// <summary>A trade fill that opens an isolated position: margin from main, risk checks, index insert.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public long Open()
    {
        long ok = Run(_opens);
        _positioned = true;
        return ok;
    }

    /// <summary>Main → block transfer: funding settled, position re-keyed in the index.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public long AddMargin() => Run(_adds);

    /// <summary>A trade fill that closes the whole position: PnL realised, block back to main, slot freed.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public long Close()
    {
        long ok = Run(_closes);
        _positioned = false;
        return ok;
    }

    private long Run(EngineCommand[] commands)
    {
        EngineCore core = _book.Core;
        long sequence = _book.NextSequence;
        long accepted = 0;
        for (int i = 0; i < commands.Length; i++)
        {
            accepted += core.Apply(ref commands[i], sequence++) == RejectReason.None ? 1 : 0;
        }

        _book.NextSequence = sequence;
        return accepted == commands.Length ? accepted : throw new InvalidOperationException($"{commands.Length - accepted} commands rejected");
    }

    private void ApplyAll(EngineCommand[] commands, string what)
    {
        foreach (EngineCommand c in commands)
        {
            Apply(c, what);
        }
    }

    private void Apply(EngineCommand c, string what)
    {
        RejectReason r = _book.Apply(ref c);
        if (r != RejectReason.None)
        {
            throw new InvalidOperationException($"{what} rejected: {r}");
        }
    }
}
