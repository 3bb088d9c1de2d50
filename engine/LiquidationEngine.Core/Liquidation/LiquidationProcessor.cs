using System.Runtime.CompilerServices;
using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;
using LiquidationEngine.Risk;
using LiquidationEngine.State;

namespace LiquidationEngine.Liquidation;

/// <summary>
/// Mark ticks → liquidation orders, and the settlement of their outcomes (fills, no-fills, fund takeover, ADL).
/// Runs on the writer thread. Never reads or writes a main (cross) balance, except the documented return of an
/// ADL'd counterparty's block when ADL closes that position entirely, and, on a profile that leaves the surplus
/// with the trader (<see cref="VenueRules.LiquidationSurplusToTrader"/>, dYdX), what a liquidated block has left.
/// </summary>
/// <remarks>
/// Per tick: the index yields the candidates whose key the mark crossed; each is checked exactly (equity &lt; MM);
/// false positives are re-keyed; the breached ones are ordered most underwater first (lowest equity/MM, then
/// position id) and each gets one order. Partial rule: a position above the first bracket is first reduced to the
/// highest lower bracket in which the remaining position, closed at the mark after the fee, meets its maintenance
/// margin; if no lower bracket does, the whole position is closed. All scratch buffers are pre-allocated: a tick
/// allocates nothing.
/// </remarks>
public sealed class LiquidationProcessor
{
    private readonly EngineState _s;
    private int[] _candidates;
    private Breach[] _breached;
    private AdlCandidate[] _adl;

    /// <summary>Creates the processor over the writer's state.</summary>
    public LiquidationProcessor(EngineState state)
    {
        _s = state;
        _candidates = new int[Math.Max(1024, state.Positions.Capacity)];
        _breached = new Breach[_candidates.Length];
        _adl = new AdlCandidate[1024];
    }

    /// <summary>Candidates whose risk overflowed 64-bit figures at some mark and were kept in the index unchanged.</summary>
    public long RiskOverflows { get; private set; }

    /// <summary>Orders emitted so far, by kind (Full, Partial, ADL).</summary>
    public long[] OrdersByKind { get; } = new long[4];

    /// <summary>Applies a mark tick and emits an order for every position it puts in breach.</summary>
    public RejectReason OnTick(int instrument, long mark, long sequence, long timestampUs, IEngineEventSink sink, ref EngineEvent template)
    {
        if ((uint)instrument >= (uint)_s.Catalog.Count)
        {
            return RejectReason.UnknownInstrument;
        }

        if (mark <= 0)
        {
            return RejectReason.InvalidPrice;
        }

        FundingBook f = _s.Funding;
        f.Mark[instrument] = mark;
        f.MarkSequence[instrument] = sequence;
        f.MarkTimeUs[instrument] = timestampUs;
        CheckAt(instrument, mark, sink, ref template);
        return RejectReason.None;
    }

    /// <summary>
    /// Runs the index check for one instrument at its current mark, without a new tick: called after a funding
    /// settlement, which moves the index offsets and may put blocks in breach. O(log n + k), like a tick. Does nothing
    /// before the instrument's first mark (risk cannot be evaluated without one).
    /// </summary>
    public void CheckAtCurrentMark(int instrument, IEngineEventSink sink, ref EngineEvent template)
    {
        long mark = _s.Funding.Mark[instrument];
        if (mark > 0)
        {
            CheckAt(instrument, mark, sink, ref template);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // the quiet tick stays one inlined compare per side
    private void CheckAt(int instrument, long mark, IEngineEventSink sink, ref EngineEvent template)
    {
        EnsureScratch();
        int n = _s.Index.TakeCrossed(instrument * 2, mark, _candidates, 0);
        n = _s.Index.TakeCrossed((instrument * 2) + 1, mark, _candidates, n);
        if (n != 0)
        {
            ProcessCandidates(instrument, mark, n, sink, ref template);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ProcessCandidates(int instrument, long mark, int n, IEngineEventSink sink, ref EngineEvent template)
    {
        Instrument inst = _s.Catalog[instrument];
        int breached = 0;
        for (int i = 0; i < n; i++)
        {
            int slot = _candidates[i];
            try
            {
                _s.SettleFunding(slot);
                RiskInputs p = _s.Inputs(slot);
                if (PositionRisk.IsInBreach(p, inst, mark))
                {
                    // Figures for ordering only: saturate rather than throw, an absurd mark must still liquidate.
                    long mm = Saturate(Int128.Max(PositionRisk.MaintenanceMarginWide(p, inst, mark), 1));
                    long equity = Saturate(PositionRisk.EquityWide(p, mark));
                    _breached[breached++] = new Breach(UnderwaterKey(equity, mm), equity, mm, _s.Positions.PositionId(slot), slot);
                }
                else
                {
                    _s.IndexInsert(slot);
                }
            }
            catch (OverflowException)
            {
                // A position whose risk cannot be evaluated at this mark stays indexed under its old key, so it is
                // never lost: it is checked again on the next tick that crosses it.
                RiskOverflows++;
                _s.Index.Reinsert(slot, LiquidationIndex.TreeOf(instrument, _s.Positions.Size[slot]));
            }
        }

        // Most underwater first, and promptly: heapify in O(k), then pop and emit one order at a time, so the
        // first order leaves before the rest are ordered.
        Span<Breach> heap = _breached.AsSpan(0, breached);
        for (int i = (breached / 2) - 1; i >= 0; i--)
        {
            SiftDown(heap, i, breached);
        }

        for (int end = breached - 1; end >= 0; end--)
        {
            int slot = heap[0].Slot;
            heap[0] = heap[end];
            SiftDown(heap, 0, end);
            EmitLiquidation(inst, slot, mark, sink, ref template);
        }
    }

    private static long Saturate(Int128 value) => value > long.MaxValue ? long.MaxValue : value < long.MinValue ? long.MinValue : (long)value;

    /// <summary>floor(equity / MM × 2^32), clamped: a monotone key, so comparing keys first is exact when they differ.</summary>
    private static long UnderwaterKey(long equity, long maintenance)
    {
        Int128 key = FixedPoint.DivideWide((Int128)equity << 32, maintenance, Rounding.Down);
        return key > long.MaxValue ? long.MaxValue : key < long.MinValue ? long.MinValue : (long)key;
    }

    private void EmitLiquidation(Instrument inst, int slot, long mark, IEngineEventSink sink, ref EngineEvent e)
    {
        RiskInputs p = _s.Inputs(slot);
        long quantity;
        try
        {
            quantity = PartialQuantity(inst, p, mark);
        }
        catch (OverflowException)
        {
            quantity = p.Quantity; // figures beyond 64 bits: close it all
        }

        OrderKind kind = quantity < p.Quantity ? OrderKind.Partial : OrderKind.Full;
        long bp = PositionRisk.BankruptcyPrice(p, inst.TickSize.Raw);
        long orderId = ++_s.LastOrderId;
        long positionId = _s.Positions.PositionId(slot);
        _s.Positions.Status[slot] = PositionStatus.Liquidating;
        _s.OpenOrders.Add(orderId, new OpenOrder(slot, positionId, quantity, bp, kind, mark));
        OrdersByKind[(int)kind]++;
        FillOrder(ref e, EventKind.LiquidationOrder, kind, orderId, slot, -p.Side, quantity, bp, mark);
        sink.Emit(e);
    }

    /// <summary>How much to close: the smallest reduction that brings the position into a lower bracket it then satisfies, else all.</summary>
    private static long PartialQuantity(Instrument inst, in RiskInputs p, long mark)
    {
        // Brackets follow the maintenance basis: mark notional by default, entry notional on entry-basis instruments.
        long basisPrice = inst.Basis == MaintenanceBasis.Entry ? p.Entry : mark;
        int bracket = inst.BracketIndexForProduct(Math.BigMul(p.Quantity, basisPrice));
        if (bracket == 0)
        {
            return p.Quantity;
        }

        long lot = inst.LotSize.Raw;
        for (int j = bracket - 1; j >= 0; j--)
        {
            // Largest lot multiple whose basis notional still lies in bracket j (at its cap when caps are inclusive).
            long keep = inst.MaxQuantityWithin(j, basisPrice);
            keep -= keep % lot;
            if (keep <= 0 || keep >= p.Quantity)
            {
                continue;
            }

            long close = p.Quantity - keep;
            long pnl = FixedPoint.Divide(Math.BigMul(p.Side * close, mark - p.Entry), Quantity.Scale, Rounding.Down);
            long fee = FixedMath.Apply(new Money(PositionRisk.Notional(close, mark, Rounding.Up)), inst.LiquidationFeeRate, Rounding.Up).Raw;
            RiskInputs remaining = p with { Quantity = keep, Margin = p.Margin + pnl - fee };
            if (!PositionRisk.IsInBreach(remaining, inst, mark))
            {
                return close;
            }
        }

        return p.Quantity;
    }

    /// <summary>Settles a (partial) fill of a liquidation order at <paramref name="price"/>.</summary>
    public RejectReason OnFill(long orderId, long quantity, long price, IEngineEventSink sink, ref EngineEvent e)
    {
        if (!_s.OpenOrders.TryGetValue(orderId, out OpenOrder order))
        {
            return RejectReason.UnknownOrder;
        }

        if (quantity <= 0)
        {
            return RejectReason.InvalidQuantity;
        }

        if (quantity > order.Remaining)
        {
            return RejectReason.FillExceedsOrder;
        }

        if (price <= 0)
        {
            return RejectReason.InvalidPrice;
        }

        int slot = order.Slot;
        Instrument inst = _s.Catalog[_s.Positions.Instrument[slot]];
        long fundBefore = _s.Books.InsuranceFund[inst.SettlementAsset];
        _s.SettleFunding(slot);
        long fee = FixedMath.Apply(new Money(PositionRisk.Notional(quantity, price, Rounding.Up)), inst.LiquidationFeeRate, Rounding.Up).Raw;

        // Describe the position before the step may free its slot.
        FillOrder(ref e, EventKind.LiquidationSettled, order.Kind, orderId, slot, 0, quantity, price, order.TriggerMark);
        CloseInBlock(slot, inst, quantity, price, fee, out long pnl, out long feeCharged, out _);
        FinishOrderStep(orderId, order, slot, order.Remaining - quantity);
        SettlementFigures(ref e, inst, pnl, feeCharged, fundBefore);
        sink.Emit(e);
        return RejectReason.None;
    }

    /// <summary>
    /// The rest of a liquidation order was not filled: the insurance fund takes it over at the bankruptcy price if it
    /// can absorb the loss to the current mark; otherwise opposite-side positions are deleveraged at that price.
    /// </summary>
    public RejectReason OnNoFill(long orderId, IEngineEventSink sink, ref EngineEvent e)
    {
        if (!_s.OpenOrders.TryGetValue(orderId, out OpenOrder order))
        {
            return RejectReason.UnknownOrder;
        }

        int slot = order.Slot;
        int instrument = _s.Positions.Instrument[slot];
        Instrument inst = _s.Catalog[instrument];
        int asset = inst.SettlementAsset;
        long fundBefore = _s.Books.InsuranceFund[asset];
        long positionId = order.PositionId;
        long account = _s.Accounts.IdOf(_s.Positions.AccountIx[slot]);
        _s.SettleFunding(slot);
        int side = _s.Positions.Size[slot] < 0 ? -1 : 1;
        long bp = order.BankruptcyPrice;
        long mark = _s.Funding.Mark[instrument];
        long quantity = order.Remaining;

        // The fund's loss if it took the rest over at BP and it were worth the mark.
        long takeoverLoss = Math.Max(0, FixedPoint.Divide(Math.BigMul(side * quantity, bp - mark), Quantity.Scale, Rounding.Up));
        long left = quantity;
        if (takeoverLoss > _s.Books.InsuranceFund[asset])
        {
            left = Deleverage(slot, inst, side, quantity, bp, mark, orderId, sink, ref e);
        }

        long pnl = 0;
        if (left > 0)
        {
            // The fund takes over what ADL did not cover, even past its balance: a negative fund is bad debt,
            // visible in the settlement event's fund balance.
            long loss = Math.Max(0, FixedPoint.Divide(Math.BigMul(side * left, bp - mark), Quantity.Scale, Rounding.Up));
            _s.Books.InsuranceFund[asset] -= loss;
            _s.Books.RealisedPnl[asset] -= loss;
            CloseInBlock(slot, inst, left, bp, 0, out pnl, out _, out _);
        }

        FinishOrderStep(orderId, order, slot, 0);
        e.ClearPayload();
        e.Kind = EventKind.LiquidationSettled;
        e.OrderKind = order.Kind;
        e.OrderId = orderId;
        e.PositionId = positionId;
        e.Account = account;
        e.Instrument = instrument;
        e.Asset = (short)asset;
        e.Quantity = left;
        e.Price = bp;
        e.BankruptcyPrice = bp;
        e.TriggerMark = order.TriggerMark;
        SettlementFigures(ref e, inst, pnl, 0, fundBefore);
        sink.Emit(e);
        return RejectReason.None;
    }

    /// <summary>Realised PnL, fee charged, the fund's change over the whole settlement and its balance after.</summary>
    private void SettlementFigures(ref EngineEvent e, Instrument inst, long pnl, long feeCharged, long fundBefore)
    {
        long fund = _s.Books.InsuranceFund[inst.SettlementAsset];
        e.RealisedPnl = pnl;
        e.LiquidationFee = feeCharged;
        e.FundDelta = fund - fundBefore;
        e.FundBalance = fund;
    }

    /// <summary>Closes opposite-side positions by ADL rank at the bankruptcy price; returns the quantity not covered.</summary>
    private long Deleverage(int bankruptSlot, Instrument inst, int side, long quantity, long bp, long mark, long causeOrderId, IEngineEventSink sink, ref EngineEvent e)
    {
        int tree = LiquidationIndex.TreeOf(inst.Index, -side);
        int count = _s.Index.CountOf(tree);
        if (_candidates.Length < count)
        {
            _candidates = new int[count];
        }

        if (_adl.Length < count)
        {
            _adl = new AdlCandidate[count];
        }

        count = _s.Index.CopyTree(tree, _candidates);
        for (int i = 0; i < count; i++)
        {
            int c = _candidates[i];
            _adl[i] = new AdlCandidate(PositionRisk.AdlRank(_s.Inputs(c), mark), _s.Positions.PositionId(c), c);
        }

        _adl.AsSpan(0, count).Sort(default(HighestRankFirst));
        long left = quantity;
        for (int i = 0; i < count && left > 0; i++)
        {
            int c = _adl[i].Slot;
            long take = Math.Min(left, Math.Abs(_s.Positions.Size[c]));
            long orderId = ++_s.LastOrderId;
            OrdersByKind[(int)OrderKind.Adl]++;
            int counterSide = _s.Positions.Size[c] < 0 ? -1 : 1;
            FillOrder(ref e, EventKind.AdlOrder, OrderKind.Adl, orderId, c, -counterSide, take, bp, mark);
            e.OrderId = orderId;
            e.CauseOrderId = causeOrderId;
            long counterPositionId = _s.Positions.PositionId(c);

            // Settle both sides of the deleverage at BP: no fee, no market.
            _s.IndexRemove(c);
            _s.SettleFunding(c);
            e.CounterpartyPnl = CloseAdlCounterparty(c, inst, take, bp);
            e.PositionId = counterPositionId;
            sink.Emit(e);
            CloseInBlock(bankruptSlot, inst, take, bp, 0, out _, out _, out _);
            left -= take;
        }

        return left;
    }

    /// <summary>Reduces an ADL'd position at BP. If it closes entirely its block returns to main, like any full close.</summary>
    private long CloseAdlCounterparty(int slot, Instrument inst, long quantity, long price)
    {
        long size = _s.Positions.Size[slot];
        int side = size < 0 ? -1 : 1;
        long pnl = FixedPoint.Divide(Math.BigMul(side * quantity, price - _s.Positions.Entry[slot]), Quantity.Scale, Rounding.Down);
        int asset = inst.SettlementAsset;
        _s.Books.RealisedPnl[asset] += pnl;
        long margin = _s.Positions.Margin[slot] + pnl;
        if (quantity < Math.Abs(size))
        {
            _s.Positions.Margin[slot] = margin;
            _s.Positions.Size[slot] = side * (Math.Abs(size) - quantity);
            _s.IndexInsert(slot);
            return pnl;
        }

        int ix = _s.Positions.AccountIx[slot];
        _s.ReleaseClosedBlock(ix, asset, margin); // like any full close

        _s.Positions.Free(slot, ref _s.Accounts.PositionHead(ix));
        return pnl;
    }

    /// <summary>Closes part or all of a frozen block at a price, with a liquidation fee to the fund.</summary>
    private void CloseInBlock(int slot, Instrument inst, long quantity, long price, long fee, out long pnl, out long feeCharged, out long fundDelta)
    {
        int asset = inst.SettlementAsset;
        long size = _s.Positions.Size[slot];
        int side = size < 0 ? -1 : 1;
        pnl = FixedPoint.Divide(Math.BigMul(side * quantity, price - _s.Positions.Entry[slot]), Quantity.Scale, Rounding.Down);
        long margin = _s.Positions.Margin[slot] + pnl;
        feeCharged = Math.Min(fee, Math.Max(0, margin));
        margin -= feeCharged;
        _s.Books.RealisedPnl[asset] += pnl;
        _s.Books.InsuranceFund[asset] += feeCharged;
        fundDelta = feeCharged;
        if (quantity < Math.Abs(size))
        {
            _s.Positions.Margin[slot] = margin;
            _s.Positions.Size[slot] = side * (Math.Abs(size) - quantity);
            return;
        }

        // Whatever is left above bankruptcy goes to the fund; a shortfall is paid by it. Main is never touched,
        // except on a profile that leaves the surplus with the trader (dYdX): then it returns to main, rounded down.
        long toTrader = margin > 0 && inst.Rules.LiquidationSurplusToTrader ? _s.Catalog.RoundToAsset(asset, margin, Rounding.Down) : 0;
        if (toTrader > 0)
        {
            _s.Accounts.Main(_s.Positions.AccountIx[slot], asset) += toTrader;
        }

        _s.Books.InsuranceFund[asset] += margin - toTrader;
        fundDelta += margin - toTrader;
        _s.Positions.Margin[slot] = 0;
        _s.Positions.Size[slot] = 0;
    }

    private void FinishOrderStep(long orderId, OpenOrder order, int slot, long remaining)
    {
        if (_s.Positions.Size[slot] == 0)
        {
            _s.OpenOrders.Remove(orderId);
            int ix = _s.Positions.AccountIx[slot];
            _s.Positions.Free(slot, ref _s.Accounts.PositionHead(ix));
            return;
        }

        if (remaining > 0)
        {
            _s.OpenOrders[orderId] = order with { Remaining = remaining };
            return;
        }

        // The order is done and the position survives (partial liquidation): back into the index.
        _s.OpenOrders.Remove(orderId);
        _s.Positions.Status[slot] = PositionStatus.Open;
        _s.IndexInsert(slot);
    }

    private void FillOrder(ref EngineEvent e, EventKind kind, OrderKind orderKind, long orderId, int slot, int side, long quantity, long price, long mark)
    {
        e.ClearPayload();
        e.Kind = kind;
        e.OrderKind = orderKind;
        e.OrderId = orderId;
        e.PositionId = _s.Positions.PositionId(slot);
        e.Account = _s.Accounts.IdOf(_s.Positions.AccountIx[slot]);
        e.Instrument = _s.Positions.Instrument[slot];
        e.Asset = (short)_s.Catalog[e.Instrument].SettlementAsset;
        e.Side = (sbyte)side;
        e.Quantity = quantity;
        e.Price = price;
        e.BankruptcyPrice = price;
        e.TriggerMark = mark;
    }

    private void EnsureScratch()
    {
        int capacity = _s.Positions.Capacity;
        if (_candidates.Length < capacity)
        {
            _candidates = new int[capacity];
            _breached = new Breach[capacity];
        }
    }

    /// <summary>Restores the min-heap property (most underwater at the root) below <paramref name="root"/>; allocation-free.</summary>
    private static void SiftDown(Span<Breach> items, int root, int length)
    {
        var order = default(MostUnderwaterFirst);
        while (true)
        {
            int child = (2 * root) + 1;
            if (child >= length)
            {
                return;
            }

            if (child + 1 < length && order.Compare(items[child + 1], items[child]) < 0)
            {
                child++;
            }

            if (order.Compare(items[root], items[child]) <= 0)
            {
                return;
            }

            (items[root], items[child]) = (items[child], items[root]);
            root = child;
        }
    }

    private readonly record struct Breach(long Key, long Equity, long Maintenance, long PositionId, int Slot);

    private readonly record struct AdlCandidate(long Rank, long PositionId, int Slot);

    private readonly struct MostUnderwaterFirst : IComparer<Breach>
    {
        public int Compare(Breach a, Breach b)
        {
            if (a.Key != b.Key)
            {
                return a.Key < b.Key ? -1 : 1;
            }

            // Same key: compare a.Equity/a.MM with b.Equity/b.MM exactly, cross-multiplied (MM > 0).
            int c = ((Int128)a.Equity * b.Maintenance).CompareTo((Int128)b.Equity * a.Maintenance);
            return c != 0 ? c : a.PositionId.CompareTo(b.PositionId);
        }
    }

    private readonly struct HighestRankFirst : IComparer<AdlCandidate>
    {
        public int Compare(AdlCandidate a, AdlCandidate b)
        {
            int c = b.Rank.CompareTo(a.Rank);
            return c != 0 ? c : a.PositionId.CompareTo(b.PositionId);
        }
    }
}
