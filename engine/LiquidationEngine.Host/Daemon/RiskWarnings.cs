using Microsoft.Extensions.Logging;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;

namespace LiquidationEngine.Host.Daemon;

/// <summary>
/// Logs a warning when auto-deleveraging fires and when an insurance fund goes below zero, from the output events.
/// The output thread only records what it saw (a few interlocked stores, no allocation, no logging); a background
/// loop logs it, once a second at most, so a crash tick with thousands of ADL orders gives one line, not thousands,
/// and a slow log never holds up the orders.
/// </summary>
public sealed class RiskWarnings : IEngineEventSink, IAsyncDisposable
{
    private readonly ILogger _log;
    private readonly InstrumentCatalog _catalog;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    /// <summary>ADL orders seen since the last report.</summary>
    private long _adlOrders;

    /// <summary>The last ADL order seen: its order id, instrument and the liquidation order that caused it.</summary>
    private long _lastAdlOrder;
    private int _lastAdlInstrument;
    private long _lastAdlCause;

    /// <summary>Per asset: the fund balance after the last settlement (raw money) and whether it is below zero.</summary>
    private readonly long[] _fund;
    private readonly int[] _below;

    /// <summary>Per asset: the below-zero state last logged (so each crossing is logged once).</summary>
    private readonly bool[] _reportedBelow;

    /// <summary>Starts the report loop. <paramref name="initialFunds"/> are the funds after recovery (raw money).</summary>
    public RiskWarnings(ILogger log, InstrumentCatalog catalog, IReadOnlyList<long> initialFunds, TimeSpan interval)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(initialFunds);
        _log = log;
        _catalog = catalog;
        _fund = [.. initialFunds];
        _below = [.. initialFunds.Select(f => f < 0 ? 1 : 0)];
        _reportedBelow = new bool[_fund.Length];
        _loop = Task.Run(() => LoopAsync(interval, _stop.Token));
    }

    /// <summary>Output thread: records ADL orders and fund balances after settlements.</summary>
    public void Emit(in EngineEvent e)
    {
        if (e.Kind == EventKind.AdlOrder)
        {
            Volatile.Write(ref _lastAdlOrder, e.OrderId);
            Volatile.Write(ref _lastAdlInstrument, e.Instrument);
            Volatile.Write(ref _lastAdlCause, e.CauseOrderId);
            Interlocked.Increment(ref _adlOrders);
        }
        else if (e.Kind == EventKind.LiquidationSettled && (uint)e.Asset < (uint)_fund.Length)
        {
            Volatile.Write(ref _fund[e.Asset], e.FundBalance);
            Volatile.Write(ref _below[e.Asset], e.FundBalance < 0 ? 1 : 0);
        }
    }

    /// <summary>Logs what is pending now (the loop calls it; so does the last stop).</summary>
    public void Report()
    {
        long adl = Interlocked.Exchange(ref _adlOrders, 0);
        if (adl > 0)
        {
            int instrument = Volatile.Read(ref _lastAdlInstrument);
            string symbol = (uint)instrument < (uint)_catalog.Count ? _catalog[instrument].Symbol : instrument.ToString(System.Globalization.CultureInfo.InvariantCulture);
            DaemonLog.AdlFired(_log, adl, symbol, Volatile.Read(ref _lastAdlOrder), Volatile.Read(ref _lastAdlCause));
        }

        for (int a = 0; a < _fund.Length; a++)
        {
            bool below = Volatile.Read(ref _below[a]) != 0;
            if (below == _reportedBelow[a])
            {
                continue;
            }

            _reportedBelow[a] = below;
            string balance = FixedPoint.Format(Volatile.Read(ref _fund[a]), 8);
            if (below)
            {
                DaemonLog.FundBelowZero(_log, _catalog.Assets[a], balance);
            }
            else
            {
                DaemonLog.FundRecovered(_log, _catalog.Assets[a], balance);
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        Report();
        _stop.Dispose();
    }

    private async Task LoopAsync(TimeSpan interval, CancellationToken ct)
    {
        Report();
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(ct).ConfigureAwait(false))
            {
                Report();
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
