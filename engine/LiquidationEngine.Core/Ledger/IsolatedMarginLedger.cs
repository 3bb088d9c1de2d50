using LiquidationEngine.Contracts;
using LiquidationEngine.Instruments;
using LiquidationEngine.Numerics;
using LiquidationEngine.Risk;
using LiquidationEngine.State;

namespace LiquidationEngine.Ledger;

/// <summary>
/// The user-facing isolated-margin operations: main balance, open/increase/reduce/close, margin moves, leverage and
/// funding. Runs on the writer thread against <see cref="EngineState"/>.
/// </summary>
/// <remarks>Each operation validates everything first and mutates only after the last check, so a returned
/// <see cref="RejectReason"/> other than <see cref="RejectReason.None"/> means the state is byte-for-byte unchanged.
/// Rules and rounding are documented in docs/MARGIN.md.</remarks>
public sealed class IsolatedMarginLedger
{
    private const int MaxLeverage = 255;
    private readonly EngineState _s;

    /// <summary>Creates the ledger over the writer's state.</summary>
    public IsolatedMarginLedger(EngineState state) => _s = state;

    /// <summary>Credits a main balance.</summary>
    public RejectReason Deposit(long account, int asset, long amount)
    {
        RejectReason invalid = ValidateTransfer(asset, amount);
        if (invalid != RejectReason.None)
        {
            return invalid;
        }

        // Check before the account is created, so a rejected deposit leaves no trace.
        int existing = _s.Accounts.Find(account);
        if (existing >= 0 && _s.Accounts.Main(existing, asset) > long.MaxValue - amount)
        {
            return RejectReason.Overflow;
        }

        int ix = existing >= 0 ? existing : _s.Accounts.GetOrAdd(account);
        _s.Accounts.Main(ix, asset) += amount;
        _s.Books.Deposits[asset] += amount;
        return RejectReason.None;
    }

    /// <summary>
    /// Records the margin the cross engine's positions and orders use for (account, asset). The latest report
    /// replaces the previous one, so a repeated report changes nothing. The engine never changes it itself.
    /// </summary>
    public RejectReason ReportCrossUsage(long account, int asset, long usage)
    {
        if ((uint)asset >= (uint)_s.Accounts.AssetCount)
        {
            return RejectReason.UnknownAsset;
        }

        if (usage < 0)
        {
            return RejectReason.InvalidAmount;
        }

        int ix = _s.Accounts.GetOrAdd(account);
        _s.Accounts.CrossUsage(ix, asset) = usage;
        return RejectReason.None;
    }

    /// <summary>Debits a main balance, within main − cross usage. Isolated margin is never available to a withdrawal.</summary>
    public RejectReason Withdraw(long account, int asset, long amount)
    {
        RejectReason invalid = ValidateTransfer(asset, amount);
        if (invalid != RejectReason.None)
        {
            return invalid;
        }

        int ix = _s.Accounts.Find(account);
        if (ix < 0)
        {
            return RejectReason.UnknownAccount;
        }

        if (_s.Accounts.Available(ix, asset) < amount)
        {
            return RejectReason.InsufficientBalance;
        }

        _s.Accounts.Main(ix, asset) -= amount;
        _s.Books.Withdrawals[asset] += amount;
        return RejectReason.None;
    }

    /// <summary>
    /// Applies a user trade fill to the isolated position of (account, instrument): opens it, increases it, reduces it
    /// or closes it. A fill larger than the position on the opposite side is rejected (no flip: send a close and an open).
    /// </summary>
    public RejectReason TradeFill(long account, int instrument, int side, long quantity, long price, int leverage, long fee, MarginMode mode = MarginMode.Isolated)
    {
        if (mode != MarginMode.Isolated)
        {
            return mode == MarginMode.Cross ? RejectReason.CrossFill : RejectReason.InvalidMarginMode;
        }

        RejectReason r = ValidateFill(instrument, side, quantity, price, fee, out Instrument inst);
        if (r != RejectReason.None)
        {
            return r;
        }

        int ix = _s.Accounts.Find(account);
        if (ix < 0)
        {
            return RejectReason.UnknownAccount;
        }

        ref int head = ref _s.Accounts.PositionHead(ix);
        int slot = _s.Positions.Find(head, instrument);
        if (slot == PositionStore.Nil)
        {
            return Open(ix, ref head, inst, side, quantity, price, leverage, fee);
        }

        if (_s.Positions.Status[slot] != PositionStatus.Open)
        {
            return RejectReason.PositionLiquidating;
        }

        return Math.Sign(_s.Positions.Size[slot]) == side
            ? Increase(ix, slot, inst, quantity, price, fee)
            : Reduce(ix, ref head, slot, inst, quantity, price, fee);
    }

    /// <summary>Moves margin from main into the block.</summary>
    public RejectReason AddMargin(long account, int instrument, long amount)
    {
        RejectReason r = FindOpenForTransfer(account, instrument, amount, out int ix, out int slot);
        if (r != RejectReason.None)
        {
            return r;
        }

        int asset = _s.Catalog[instrument].SettlementAsset;
        if (!_s.Catalog.IsOnAssetGrid(asset, amount))
        {
            return RejectReason.FinerThanAssetPrecision;
        }

        ref long main = ref _s.Accounts.Main(ix, asset);
        if (_s.Accounts.Available(ix, asset) < amount)
        {
            return RejectReason.InsufficientBalance;
        }

        if (_s.EffectiveMargin(slot) > long.MaxValue - amount)
        {
            return RejectReason.Overflow;
        }

        _s.IndexRemove(slot);
        _s.SettleFunding(slot);
        main -= amount;
        _s.Positions.Margin[slot] += amount;
        _s.IndexInsert(slot);
        return RejectReason.None;
    }

    /// <summary>Moves margin from the block back to main: only while uPnL &gt; 0 and within the max removable.</summary>
    public RejectReason RemoveMargin(long account, int instrument, long amount)
    {
        RejectReason r = FindOpenForTransfer(account, instrument, amount, out int ix, out int slot);
        if (r != RejectReason.None)
        {
            return r;
        }

        long mark = _s.Funding.Mark[instrument];
        if (mark <= 0)
        {
            return RejectReason.NoMarkPrice;
        }

        Instrument inst = _s.Catalog[instrument];
        if (!_s.Catalog.IsOnAssetGrid(inst.SettlementAsset, amount))
        {
            return RejectReason.FinerThanAssetPrecision;
        }

        RiskInputs p = _s.Inputs(slot);
        if (inst.Rules.RemoveMarginRequiresProfit && PositionRisk.UnrealisedPnl(p, mark, Rounding.Down) <= 0)
        {
            return RejectReason.RemoveMarginWithoutProfit;
        }

        if (amount > PositionRisk.MaxRemovableMargin(p, inst, mark))
        {
            return RejectReason.RemoveMarginAboveMax;
        }

        if (PositionRisk.IsInBreach(p with { Margin = p.Margin - amount }, inst, mark))
        {
            return RejectReason.WouldBreachMaintenance;
        }

        _s.IndexRemove(slot);
        _s.SettleFunding(slot);
        _s.Positions.Margin[slot] -= amount;
        _s.Accounts.Main(ix, inst.SettlementAsset) += amount;
        _s.IndexInsert(slot);
        return RejectReason.None;
    }

    /// <summary>
    /// Changes leverage. Raising keeps the margin (and so the liquidation price). Lowering needs the block to cover
    /// initial margin at the new leverage; <paramref name="transfer"/> moves that much from main in the same step,
    /// and the change takes effect only if the block then covers it.
    /// </summary>
    public RejectReason SetLeverage(long account, int instrument, int leverage, long transfer)
    {
        RejectReason r = FindOpen(account, instrument, out int ix, out int slot);
        if (r != RejectReason.None)
        {
            return r;
        }

        if (transfer < 0)
        {
            return RejectReason.InvalidAmount;
        }

        Instrument inst = _s.Catalog[instrument];
        RiskInputs p = _s.Inputs(slot);
        if (leverage == p.Leverage)
        {
            // Nothing would change; a top-up without a leverage change is an add-margin.
            return RejectReason.LeverageUnchanged;
        }

        long mark = _s.Funding.Mark[instrument];
        long notionalPrice = mark > 0 ? Math.Max(mark, p.Entry) : p.Entry;
        if (leverage < 1 || leverage > MaxLeverage
            || leverage > inst.Brackets[inst.BracketIndexForProduct(Math.BigMul(p.Quantity, notionalPrice))].MaxLeverage)
        {
            return RejectReason.InvalidLeverage;
        }

        if (inst.Rules.LeverageChangeResetsMargin)
        {
            return ResetToLeverage(ix, slot, inst, p, leverage, transfer, mark);
        }

        if (!_s.Catalog.IsOnAssetGrid(inst.SettlementAsset, transfer))
        {
            return RejectReason.FinerThanAssetPrecision;
        }

        ref long main = ref _s.Accounts.Main(ix, inst.SettlementAsset);
        if (transfer > 0 && _s.Accounts.Available(ix, inst.SettlementAsset) < transfer)
        {
            return RejectReason.InsufficientBalance;
        }

        if (leverage < p.Leverage)
        {
            long required = PositionRisk.InitialMargin(p.Quantity, p.Entry, leverage);
            if (p.Margin + transfer < required)
            {
                return RejectReason.InsufficientMargin;
            }
        }

        if (transfer > 0)
        {
            _s.IndexRemove(slot);
            _s.SettleFunding(slot);
            main -= transfer;
            _s.Positions.Margin[slot] += transfer;
            _s.Positions.Leverage[slot] = (byte)leverage;
            _s.IndexInsert(slot);
        }
        else
        {
            // Leverage does not enter the liquidation price, so the index key stays valid.
            _s.Positions.Leverage[slot] = (byte)leverage;
        }

        return RejectReason.None;
    }

    /// <summary>
    /// A leverage change on a profile that resets the block (Bybit): the block becomes exactly the initial margin at
    /// the new leverage, <c>q × EP / leverage</c>; a shortfall comes from main (rounded up to the asset), a surplus goes
    /// back (rounded down). The move is computed here, so the command must not carry a transfer.
    /// </summary>
    private RejectReason ResetToLeverage(int ix, int slot, Instrument inst, in RiskInputs p, int leverage, long transfer, long mark)
    {
        if (transfer != 0)
        {
            return RejectReason.InvalidAmount;
        }

        int asset = inst.SettlementAsset;
        long delta = checked(PositionRisk.InitialMargin(p.Quantity, p.Entry, leverage) - p.Margin);
        long toBlock = delta > 0
            ? _s.Catalog.RoundToAsset(asset, delta, Rounding.Up)
            : -_s.Catalog.RoundToAsset(asset, -delta, Rounding.Down);
        if (toBlock > 0 && _s.Accounts.Available(ix, asset) < toBlock)
        {
            return RejectReason.InsufficientBalance;
        }

        long margin = checked(p.Margin + toBlock);
        if (mark > 0 && PositionRisk.IsInBreach(p with { Margin = margin }, inst, mark))
        {
            return RejectReason.WouldBreachMaintenance;
        }

        _s.IndexRemove(slot);
        _s.SettleFunding(slot);
        _s.Accounts.Main(ix, asset) -= toBlock;
        _s.Positions.Margin[slot] = margin;
        _s.Positions.Leverage[slot] = (byte)leverage;
        _s.IndexInsert(slot);
        return RejectReason.None;
    }

    /// <summary>
    /// Settles funding on an instrument: <c>size × price × rate</c>, longs pay when the rate is positive. O(1): only
    /// the instrument's cumulative indices and the index offsets move; blocks are charged when next touched.
    /// </summary>
    public RejectReason SettleFunding(int instrument, long rate, long price)
    {
        if ((uint)instrument >= (uint)_s.Catalog.Count)
        {
            return RejectReason.UnknownInstrument;
        }

        if (price <= 0)
        {
            return RejectReason.InvalidPrice;
        }

        if (rate <= -Rate.Scale || rate >= Rate.Scale)
        {
            return RejectReason.InvalidRate;
        }

        // Per-unit payment p·r at 10^-18 scale → index scale 10^-12. Each side's charge rounds up.
        const long toIndex = Price.Scale * Rate.Scale / FundingBook.IndexScale;
        Int128 perUnit = Math.BigMul(price, rate);
        long longCharge = FixedPoint.Divide(perUnit, toIndex, Rounding.Up);
        long shortCharge = FixedPoint.Divide(-perUnit, toIndex, Rounding.Up);
        int longIx = instrument * 2;
        FundingBook f = _s.Funding;
        long longCum = checked(f.Cumulative[longIx] + longCharge);
        long shortCum = checked(f.Cumulative[longIx + 1] + shortCharge);
        Accumulate(f, longIx, longCharge);
        Accumulate(f, longIx + 1, shortCharge);
        f.Cumulative[longIx] = longCum;
        f.Cumulative[longIx + 1] = shortCum;
        _s.Index.UpdateOffset(longIx, f, _s.Catalog[instrument]);
        _s.Index.UpdateOffset(longIx + 1, f, _s.Catalog[instrument]);
        return RejectReason.None;
    }

    /// <summary>A venue top-up of an insurance fund.</summary>
    public RejectReason InsuranceDeposit(int asset, long amount)
    {
        RejectReason invalid = ValidateTransfer(asset, amount);
        if (invalid != RejectReason.None)
        {
            return invalid;
        }

        _s.Books.InsuranceFund[asset] = checked(_s.Books.InsuranceFund[asset] + amount);
        _s.Books.InsuranceTopUps[asset] += amount;
        return RejectReason.None;
    }

    private RejectReason ValidateTransfer(int asset, long amount)
        => (uint)asset >= (uint)_s.Accounts.AssetCount ? RejectReason.UnknownAsset
            : amount <= 0 ? RejectReason.InvalidAmount
            : !_s.Catalog.IsOnAssetGrid(asset, amount) ? RejectReason.FinerThanAssetPrecision
            : RejectReason.None;

    private static void Accumulate(FundingBook f, int sideIx, long charge)
    {
        if (charge > 0)
        {
            f.Increases[sideIx] = checked(f.Increases[sideIx] + charge);
        }
        else
        {
            f.Decreases[sideIx] = checked(f.Decreases[sideIx] - charge);
        }
    }

    private RejectReason ValidateFill(int instrument, int side, long quantity, long price, long fee, out Instrument inst)
    {
        inst = null!;
        if ((uint)instrument >= (uint)_s.Catalog.Count)
        {
            return RejectReason.UnknownInstrument;
        }

        inst = _s.Catalog[instrument];
        if (side is not (1 or -1))
        {
            return RejectReason.InvalidSide;
        }

        if (quantity <= 0 || quantity % inst.LotSize.Raw != 0)
        {
            return RejectReason.InvalidQuantity;
        }

        if (price <= 0 || price % inst.TickSize.Raw != 0)
        {
            return RejectReason.InvalidPrice;
        }

        if (fee < 0)
        {
            return RejectReason.InvalidAmount;
        }

        return RejectReason.None;
    }

    private RejectReason Open(int ix, ref int head, Instrument inst, int side, long quantity, long price, int leverage, long fee)
    {
        // Size limits apply to opens and increases only: a reduce or close reports a trade that already happened.
        if (inst.IsAboveCap(Math.BigMul(quantity, price), inst.Brackets.Length - 1))
        {
            return RejectReason.NotionalAboveLimit;
        }

        if (leverage < 1 || leverage > MaxLeverage
            || leverage > inst.Brackets[inst.BracketIndexForProduct(Math.BigMul(quantity, price))].MaxLeverage)
        {
            return RejectReason.InvalidLeverage;
        }

        // The transfer out of main is on the asset's grid, rounded up; the block keeps what the fee leaves (≥ IM).
        long required = _s.Catalog.RoundToAsset(inst.SettlementAsset, checked(PositionRisk.InitialMargin(quantity, price, leverage) + fee), Rounding.Up);
        long im = required - fee;
        ref long main = ref _s.Accounts.Main(ix, inst.SettlementAsset);
        if (_s.Accounts.Available(ix, inst.SettlementAsset) < required)
        {
            return RejectReason.InsufficientBalance;
        }

        long mark = _s.Funding.Mark[inst.Index];
        if (mark > 0 && PositionRisk.IsInBreach(new RiskInputs(side, quantity, price, im, leverage), inst, mark))
        {
            return RejectReason.WouldBreachMaintenance;
        }

        main -= required;
        _s.Books.FeePool[inst.SettlementAsset] += fee;
        int slot = _s.Positions.Allocate(ix, ref head, inst.Index);
        _s.Positions.Size[slot] = side * quantity;
        _s.Positions.Entry[slot] = price;
        _s.Positions.Margin[slot] = im;
        _s.Positions.Leverage[slot] = (byte)leverage;
        _s.Positions.FundingSnapshot[slot] = _s.Funding.Cumulative[FundingBook.SideIndex(inst.Index, side)];
        _s.IndexInsert(slot);
        return RejectReason.None;
    }

    private RejectReason Increase(int ix, int slot, Instrument inst, long quantity, long price, long fee)
    {
        RiskInputs p = _s.Inputs(slot);
        long newQuantity = checked(p.Quantity + quantity);
        if (inst.IsAboveCap(Math.BigMul(newQuantity, price), inst.Brackets.Length - 1))
        {
            return RejectReason.NotionalAboveLimit;
        }

        if (p.Leverage > inst.Brackets[inst.BracketIndexForProduct(Math.BigMul(newQuantity, price))].MaxLeverage)
        {
            return RejectReason.InvalidLeverage;
        }

        // Weighted average entry, rounded against the trader (up for longs, down for shorts).
        Int128 cost = Math.BigMul(p.Quantity, p.Entry) + Math.BigMul(quantity, price);
        long entry = FixedPoint.Divide(cost, newQuantity, p.Side > 0 ? Rounding.Up : Rounding.Down);
        long required = _s.Catalog.RoundToAsset(inst.SettlementAsset, checked(PositionRisk.InitialMargin(quantity, price, p.Leverage) + fee), Rounding.Up);
        long im = required - fee;
        ref long main = ref _s.Accounts.Main(ix, inst.SettlementAsset);
        if (_s.Accounts.Available(ix, inst.SettlementAsset) < required)
        {
            return RejectReason.InsufficientBalance;
        }

        RiskInputs after = new(p.Side, newQuantity, entry, checked(p.Margin + im), p.Leverage);
        long mark = _s.Funding.Mark[inst.Index];
        if (mark > 0 && PositionRisk.IsInBreach(after, inst, mark))
        {
            return RejectReason.WouldBreachMaintenance;
        }

        _s.IndexRemove(slot);
        _s.SettleFunding(slot);
        main -= required;
        _s.Books.FeePool[inst.SettlementAsset] += fee;
        _s.Positions.Margin[slot] += im;
        _s.Positions.Size[slot] = p.Side * newQuantity;
        _s.Positions.Entry[slot] = entry;
        _s.IndexInsert(slot);
        return RejectReason.None;
    }

    private RejectReason Reduce(int ix, ref int head, int slot, Instrument inst, long quantity, long price, long fee)
    {
        RiskInputs p = _s.Inputs(slot);
        if (quantity > p.Quantity)
        {
            return RejectReason.FillExceedsPosition;
        }

        // Realised PnL is a payout: rounded down.
        long pnl = FixedPoint.Divide(Math.BigMul(p.Side * quantity, checked(price - p.Entry)), Quantity.Scale, Rounding.Down);
        long beforeFee = checked(p.Margin + pnl);
        int asset = inst.SettlementAsset;
        _s.IndexRemove(slot);
        _s.SettleFunding(slot);
        _s.Books.RealisedPnl[asset] += pnl;
        if (quantity < p.Quantity)
        {
            // Partial close: PnL stays in the block, which keeps its margin. The fee never takes it below zero.
            long charged = Math.Min(fee, Math.Max(0, beforeFee));
            _s.Books.FeePool[asset] += charged;
            long after = beforeFee - charged;
            if (inst.Rules.PartialCloseReleasesMargin)
            {
                // Bybit: the closed share of the margin, M·x/q, and the realised PnL net of the fee go to main, so the
                // block keeps M·(q − x)/q. Only a positive amount moves: main never pays a block's loss.
                long share = FixedPoint.Divide(Math.BigMul(p.Margin, quantity), p.Quantity, Rounding.Down);
                long release = _s.Catalog.RoundToAsset(asset, Math.Min(after, checked(share + pnl - charged)), Rounding.Down);
                if (release > 0)
                {
                    _s.Accounts.Main(ix, asset) += release;
                    after -= release;
                }
            }

            _s.Positions.Margin[slot] = after;
            _s.Positions.Size[slot] = p.Side * (p.Quantity - quantity);
            _s.IndexInsert(slot);
            return RejectReason.None;
        }

        // Full close: the block returns to main. A block that closed below zero is made whole by the
        // insurance fund, never by the main account.
        long feeCharged = Math.Min(fee, Math.Max(0, beforeFee));
        long rest = beforeFee - feeCharged;
        _s.Books.FeePool[asset] += feeCharged;
        _s.ReleaseClosedBlock(ix, asset, rest);

        _s.Positions.Free(slot, ref head);
        return RejectReason.None;
    }

    /// <summary><see cref="FindOpen"/>, then checks that <paramref name="amount"/> to move between main and the block
    /// is positive.</summary>
    private RejectReason FindOpenForTransfer(long account, int instrument, long amount, out int ix, out int slot)
    {
        RejectReason r = FindOpen(account, instrument, out ix, out slot);
        return r != RejectReason.None || amount > 0 ? r : RejectReason.InvalidAmount;
    }

    private RejectReason FindOpen(long account, int instrument, out int ix, out int slot)
    {
        slot = PositionStore.Nil;
        ix = -1;
        if ((uint)instrument >= (uint)_s.Catalog.Count)
        {
            return RejectReason.UnknownInstrument;
        }

        ix = _s.Accounts.Find(account);
        if (ix < 0)
        {
            return RejectReason.UnknownAccount;
        }

        slot = _s.Positions.Find(_s.Accounts.PositionHead(ix), instrument);
        if (slot == PositionStore.Nil)
        {
            return RejectReason.UnknownPosition;
        }

        return _s.Positions.Status[slot] == PositionStatus.Open ? RejectReason.None : RejectReason.PositionLiquidating;
    }
}
