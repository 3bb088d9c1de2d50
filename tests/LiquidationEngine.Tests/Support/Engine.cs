using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Pipeline;
using LiquidationEngine.State;

namespace LiquidationEngine.Tests.Support;

/// <summary>A writer core driven synchronously with readable command helpers, as the ring handler would drive it.</summary>
internal sealed class Engine
{
    private long _sequence;

    public Engine(InstrumentCatalog? catalog = null, int positions = 64)
    {
        Catalog = catalog ?? TestInstruments.Catalog();
        State = new EngineState(Catalog, positions, 16, 64);
        Log = new EventLog();
        Core = new EngineCore(State, Log);
    }

    /// <summary>A fresh engine in which account 1 has deposited <paramref name="deposit"/> USDT and opened a long of
    /// <paramref name="qty"/> on instrument 0 (BTC-USDT) at <paramref name="price"/>, at <paramref name="leverage"/>.</summary>
    /// <exception cref="InvalidOperationException">The engine rejected the deposit or the fill.</exception>
    public static Engine WithLong(string deposit = "10000", string qty = "1", string price = "20000", int leverage = 10)
    {
        var e = new Engine();
        RejectReason r = e.Deposit(1, deposit);
        if (r == RejectReason.None)
        {
            r = e.Fill(1, 0, +1, qty, price, leverage);
        }

        return r == RejectReason.None ? e : throw new InvalidOperationException($"setting up the long was rejected: {r}");
    }

    /// <summary>An engine over a state that already exists, e.g. one restored from a snapshot.</summary>
    public Engine(EngineState state)
    {
        Catalog = state.Catalog;
        State = state;
        Log = new EventLog();
        Core = new EngineCore(State, Log);
    }

    public InstrumentCatalog Catalog { get; }

    public EngineState State { get; }

    public EngineCore Core { get; }

    public EventLog Log { get; }

    public RejectReason Apply(EngineCommand c) => Core.Apply(ref c, _sequence++);

    public RejectReason Deposit(long account, string amount, int asset = TestInstruments.Usdt)
        => Apply(new EngineCommand { Kind = CommandKind.Deposit, Account = account, Asset = (short)asset, Amount = TestInstruments.Usd(amount) });

    public RejectReason Withdraw(long account, string amount, int asset = TestInstruments.Usdt)
        => Apply(new EngineCommand { Kind = CommandKind.Withdraw, Account = account, Asset = (short)asset, Amount = TestInstruments.Usd(amount) });

    public RejectReason Fill(long account, int instrument, int side, string qty, string price, int leverage = 10, string fee = "0")
        => Apply(new EngineCommand
        {
            Kind = CommandKind.TradeFill, Account = account, Instrument = instrument, Side = (sbyte)side,
            Quantity = TestInstruments.Qty(qty), Price = TestInstruments.Px(price), Leverage = leverage, Aux = TestInstruments.Usd(fee),
        });

    public RejectReason CrossUsage(long account, string usage, int asset = TestInstruments.Usdt)
        => Apply(new EngineCommand { Kind = CommandKind.CrossUsage, Account = account, Asset = (short)asset, Amount = TestInstruments.Usd(usage) });

    public RejectReason CrossFill(long account, int instrument, int side, string qty, string price, int leverage = 10)
        => Apply(new EngineCommand
        {
            Kind = CommandKind.TradeFill, Account = account, Instrument = instrument, Side = (sbyte)side,
            Quantity = TestInstruments.Qty(qty), Price = TestInstruments.Px(price), Leverage = leverage, MarginMode = MarginMode.Cross,
        });

    public RejectReason Tick(int instrument, string mark)
        => Apply(new EngineCommand { Kind = CommandKind.MarkTick, Instrument = instrument, Price = TestInstruments.Px(mark) });

    public RejectReason AddMargin(long account, int instrument, string amount)
        => Apply(new EngineCommand { Kind = CommandKind.AddMargin, Account = account, Instrument = instrument, Amount = TestInstruments.Usd(amount) });

    public RejectReason RemoveMargin(long account, int instrument, string amount)
        => Apply(new EngineCommand { Kind = CommandKind.RemoveMargin, Account = account, Instrument = instrument, Amount = TestInstruments.Usd(amount) });

    public RejectReason SetLeverage(long account, int instrument, int leverage, string transfer = "0")
        => Apply(new EngineCommand { Kind = CommandKind.SetLeverage, Account = account, Instrument = instrument, Leverage = leverage, Amount = TestInstruments.Usd(transfer) });

    public RejectReason Funding(int instrument, string rate, string price)
        => Apply(new EngineCommand { Kind = CommandKind.FundingSettlement, Instrument = instrument, Amount = TestInstruments.R(rate).Raw, Price = TestInstruments.Px(price) });

    public RejectReason LiquidationFill(long orderId, string qty, string price)
        => Apply(new EngineCommand { Kind = CommandKind.LiquidationFill, Aux = orderId, Quantity = TestInstruments.Qty(qty), Price = TestInstruments.Px(price) });

    public RejectReason NoFill(long orderId)
        => Apply(new EngineCommand { Kind = CommandKind.LiquidationNoFill, Aux = orderId });

    public RejectReason InsuranceDeposit(string amount, int asset = TestInstruments.Usdt)
        => Apply(new EngineCommand { Kind = CommandKind.InsuranceDeposit, Asset = (short)asset, Amount = TestInstruments.Usd(amount) });

    public long Main(long account, int asset = TestInstruments.Usdt) => State.Accounts.Main(State.Accounts.Find(account), asset);

    public int Slot(long account, int instrument) => State.Positions.Find(State.Accounts.PositionHead(State.Accounts.Find(account)), instrument);

    public long Margin(long account, int instrument) => State.EffectiveMargin(Slot(account, instrument));

    public long Fund(int asset = TestInstruments.Usdt) => State.Books.InsuranceFund[asset];

    public ulong Hash() => StateHasher.Compute(State);

    public EngineEvent Describe(long account, int instrument)
    {
        var e = default(EngineEvent);
        Core.DescribePosition(Slot(account, instrument), ref e);
        return e;
    }
}
