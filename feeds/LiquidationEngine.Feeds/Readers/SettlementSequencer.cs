using LiquidationEngine.Numerics;

namespace LiquidationEngine.Feeds;

/// <summary>Derives funding settlements from "next funding time" rollovers and keeps the output in timestamp order.</summary>
/// <remarks>
/// <para><b>Rule.</b> Per symbol, a settlement is emitted when the next funding time rolls over to a later value.
/// Its timestamp is the old next funding time (the settlement time), its rate the last rate seen before the rollover
/// line, its mark the last mark seen before it.</para>
/// <para><b>Order.</b> The rollover is only visible on the first update after the settlement time, and updates stamped
/// between the settlement time and that update (Binance sends one at 00:00:00.010 still showing the old time) were
/// already read. So records stamped after a symbol's pending funding time are held in the <see cref="RecordQueue"/>
/// until the rollover shows, and the settlement is inserted before them. Holding stops after
/// <see cref="FeedReaderOptions.SettlementHoldback"/> past the funding time (a symbol that stops updating must not
/// hold the file's other records forever); a rollover seen after records later than its settlement time were handed
/// out is reported as <see cref="FeedErrorKind.OutOfOrderTimestamp"/> and dropped, never emitted out of order.</para>
/// </remarks>
internal sealed class SettlementSequencer
{
    /// <summary>Where records wait until they may be handed out.</summary>
    private readonly RecordQueue _queue;

    /// <summary>How long past a pending funding time records are held for its rollover, in µs.</summary>
    private readonly long _holdbackUs;

    /// <summary>Funding state per instrument symbol.</summary>
    private readonly Dictionary<string, FundingState> _states = new(StringComparer.Ordinal);

    /// <summary>The symbol of <see cref="_lastState"/>: most files hold one symbol, so this skips the dictionary.</summary>
    private string? _lastSymbol;

    /// <summary>State of <see cref="_lastSymbol"/>.</summary>
    private FundingState? _lastState;

    /// <summary>Earliest pending (known, not expired) next funding time over all symbols, µs; MaxValue when none.</summary>
    private long _watermark = long.MaxValue;

    /// <summary>Timestamp of the latest source line observed, µs (source lines are checked to be non-decreasing).</summary>
    private long _lastSourceUs = long.MinValue;

    public SettlementSequencer(RecordQueue queue, TimeSpan holdback)
    {
        _queue = queue;
        _holdbackUs = holdback.Ticks / 10;
    }

    /// <summary>Queued records at or before this timestamp can be handed out: no later line can produce an earlier record.</summary>
    public long ReleaseBound => Math.Min(_lastSourceUs, _watermark);

    /// <summary>Takes one source update (already validated and order-checked) and queues what it produces.</summary>
    /// <param name="symbol">Instrument symbol.</param>
    /// <param name="timestampUs">The update's event time.</param>
    /// <param name="hasMark">Whether the update carries a mark.</param>
    /// <param name="mark">The mark, when <paramref name="hasMark"/>.</param>
    /// <param name="hasRate">Whether the update carries a funding rate.</param>
    /// <param name="rate">The funding rate, when <paramref name="hasRate"/>.</param>
    /// <param name="nextFundingUs">The next funding time, µs; 0 when the update has none.</param>
    /// <param name="file">Source file, for the records.</param>
    /// <param name="line">Source line, for the records.</param>
    /// <param name="lastReleasedUs">Timestamp of the last record the reader handed out.</param>
    /// <param name="droppedSettlementUs">When a rollover came too late to be emitted in order: the settlement time; else 0.</param>
    public void Observe(
        string symbol,
        long timestampUs,
        bool hasMark,
        Price mark,
        bool hasRate,
        Rate rate,
        long nextFundingUs,
        string file,
        long line,
        long lastReleasedUs,
        out long droppedSettlementUs)
    {
        droppedSettlementUs = 0;
        _lastSourceUs = timestampUs;
        FundingState state = StateOf(symbol);

        if (nextFundingUs != 0 && nextFundingUs != state.NextFundingUs)
        {
            long settlementUs = state.NextFundingUs;
            if (settlementUs != 0 && nextFundingUs > settlementUs && state.HasRate)
            {
                if (settlementUs < lastReleasedUs)
                {
                    droppedSettlementUs = settlementUs;
                }
                else
                {
                    _queue.Insert(FeedRecord.FundingSettlement(settlementUs, symbol, state.LastMark, state.LastRate, file, line));
                }
            }

            // A later value is a rollover; an earlier one a schedule change (no settlement). Either way it is pending now.
            state.NextFundingUs = nextFundingUs;
            state.Expired = false;
            RecomputeWatermark();
        }

        if (hasRate)
        {
            state.LastRate = rate;
            state.HasRate = true;
        }

        if (hasMark)
        {
            state.LastMark = mark;
            _queue.Insert(FeedRecord.MarkPrice(timestampUs, symbol, mark, file, line));
        }

        while (_watermark != long.MaxValue && timestampUs - _watermark > _holdbackUs)
        {
            ExpireEarliest();
        }
    }

    private FundingState StateOf(string symbol)
    {
        if (ReferenceEquals(symbol, _lastSymbol))
        {
            return _lastState!;
        }

        if (!_states.TryGetValue(symbol, out FundingState? state))
        {
            state = new FundingState();
            _states.Add(symbol, state);
        }

        _lastSymbol = symbol;
        _lastState = state;
        return state;
    }

    /// <summary>Stops holding records for the symbols whose pending funding time is the watermark.</summary>
    private void ExpireEarliest()
    {
        foreach (FundingState state in _states.Values)
        {
            if (!state.Expired && state.NextFundingUs == _watermark)
            {
                state.Expired = true;
            }
        }

        RecomputeWatermark();
    }

    private void RecomputeWatermark()
    {
        long watermark = long.MaxValue;
        foreach (FundingState state in _states.Values)
        {
            if (!state.Expired && state.NextFundingUs != 0 && state.NextFundingUs < watermark)
            {
                watermark = state.NextFundingUs;
            }
        }

        _watermark = watermark;
    }

    /// <summary>What is known about one symbol's funding.</summary>
    private sealed class FundingState
    {
        /// <summary>The next funding time last announced, µs; 0 before the first announcement.</summary>
        public long NextFundingUs;

        /// <summary>The holdback past <see cref="NextFundingUs"/> ran out without a rollover.</summary>
        public bool Expired;

        /// <summary>Whether <see cref="LastRate"/> has been seen.</summary>
        public bool HasRate;

        /// <summary>The last funding rate seen (10 decimals).</summary>
        public Rate LastRate;

        /// <summary>The last mark seen (8 decimals); zero before the first.</summary>
        public Price LastMark;
    }
}
