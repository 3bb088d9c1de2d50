using LiquidationEngine.Contracts;
using LiquidationEngine.Numerics;

namespace LiquidationEngine.Replay;

/// <summary>How the replay's simulated matching engine executes liquidation orders (docs/REPLAY.md, "Fill modes").</summary>
public enum FillMode : byte
{
    /// <summary>Fill the whole order at its limit, the bankruptcy price. Not fee-free: a partial order's fee comes out of
    /// the margin the rest of the block keeps; a full order leaves BP's tick rounding, which the fund takes as the fee.</summary>
    Bankruptcy = 0,

    /// <summary>Fill at the instrument's next mark after the triggering one, rounded to the tick grid against the
    /// liquidated trader; beyond the limit the IOC order does not fill (unless fills beyond the limit are allowed).</summary>
    NextMark = 1,

    /// <summary>Fill at the triggering mark moved against the liquidated trader by a number of basis points, rounded to
    /// the tick grid against the trader; never better than the triggering mark; beyond the limit the order does not
    /// fill (unless fills beyond the limit are allowed).</summary>
    Slippage = 2,

    /// <summary>Never fill: every order is reported as not filled, so the insurance fund takes the position over at the
    /// bankruptcy price or, if it cannot absorb the loss to the mark, opposite positions are auto-deleveraged.</summary>
    NoFill = 3,
}

/// <summary>The outcome the simulated matching engine reports for one liquidation order.</summary>
/// <param name="Filled">True: a <see cref="CommandKind.LiquidationFill"/> of the whole order at <see cref="Price"/>;
/// false: a <see cref="CommandKind.LiquidationNoFill"/>.</param>
/// <param name="Price">Fill price, raw (10^-8), on the tick grid; 0 when not filled.</param>
/// <param name="BeyondLimit">The simulated price was worse for the trader than the order's limit (the bankruptcy price).</param>
public readonly record struct FillDecision(bool Filled, long Price, bool BeyondLimit);

/// <summary>
/// The simulated execution of liquidation orders: a pure function from an order (and the marks around it) to a fill
/// or no-fill report, which the replay publishes back into the engine's ring as an ordinary command.
/// </summary>
/// <param name="Mode">The fill mode.</param>
/// <param name="SlippageBps">Adverse slippage for <see cref="FillMode.Slippage"/>, in basis points (≥ 0).</param>
/// <param name="FillBeyondLimit">Let <see cref="FillMode.NextMark"/> and <see cref="FillMode.Slippage"/> fill at a price
/// worse than the bankruptcy price (the insurance fund pays the shortfall, as at BitMEX). By default such an order does
/// not fill, as a real immediate-or-cancel order limited at the bankruptcy price would not.</param>
public sealed record SimulatedExecution(FillMode Mode, int SlippageBps = 0, bool FillBeyondLimit = false)
{
    /// <summary>Basis points per unit.</summary>
    private const long BpsScale = 10_000;

    /// <summary>Whether the mode needs the instrument's next mark after the trigger before it can decide.</summary>
    public bool NeedsNextMark => Mode == FillMode.NextMark;

    /// <summary>Decides the outcome of a liquidation order.</summary>
    /// <param name="orderSide">+1 buy (closing a short), −1 sell (closing a long).</param>
    /// <param name="limit">The order's limit: the bankruptcy price, raw.</param>
    /// <param name="triggerMark">The mark that triggered the order, raw.</param>
    /// <param name="nextMark">The instrument's next mark after the trigger, raw; only read for <see cref="FillMode.NextMark"/>.</param>
    /// <param name="tickSize">The instrument's tick size, raw.</param>
    public FillDecision Decide(int orderSide, long limit, long triggerMark, long nextMark, long tickSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(tickSize, 1);
        if (orderSide is not (1 or -1))
        {
            throw new ArgumentOutOfRangeException(nameof(orderSide), orderSide, "must be +1 (buy) or -1 (sell).");
        }

        long price;
        switch (Mode)
        {
            case FillMode.Bankruptcy:
                return new FillDecision(true, limit, false);
            case FillMode.NoFill:
                return new FillDecision(false, 0, false);
            case FillMode.NextMark:
                price = nextMark;
                break;
            case FillMode.Slippage:
                ArgumentOutOfRangeException.ThrowIfNegative(SlippageBps);

                // A sell fills below the mark, a buy above it: against the liquidated trader.
                price = (long)(orderSide < 0
                    ? Math.BigMul(triggerMark, BpsScale - SlippageBps) / BpsScale
                    : FixedPoint.DivideWide(Math.BigMul(triggerMark, BpsScale + SlippageBps), BpsScale, Rounding.Up));
                break;
            default:
                throw new InvalidOperationException($"unknown fill mode {Mode}.");
        }

        price = OntoTickGrid(price, orderSide, tickSize);
        bool beyond = orderSide < 0 ? price < limit : price > limit;
        return beyond && !FillBeyondLimit ? new FillDecision(false, 0, true) : new FillDecision(true, price, beyond);
    }

    /// <summary>The command that reports <paramref name="decision"/> for order <paramref name="orderId"/>.</summary>
    public static EngineCommand ToCommand(in FillDecision decision, long orderId, long quantity, long timestampUs, int sourceId, long clientSequence)
        => new()
        {
            Kind = decision.Filled ? CommandKind.LiquidationFill : CommandKind.LiquidationNoFill,
            Aux = orderId,
            Quantity = decision.Filled ? quantity : 0,
            Price = decision.Filled ? decision.Price : 0,
            TimestampUs = timestampUs,
            SourceId = sourceId,
            ClientSequence = clientSequence,
        };

    /// <summary>Rounds onto the tick grid against the trader: a sell down, a buy up; never below one tick.</summary>
    public static long OntoTickGrid(long price, int orderSide, long tickSize)
    {
        long ticks = FixedPoint.Divide(price, tickSize, orderSide < 0 ? Rounding.Down : Rounding.Up);
        return Math.Max(tickSize, ticks * tickSize);
    }

    /// <summary>Short text for summaries: <c>bankruptcy</c>, <c>next-mark</c>, <c>slippage 25 bps</c>, <c>no-fill</c>.</summary>
    public string Describe() => Mode switch
    {
        FillMode.Bankruptcy => "bankruptcy",
        FillMode.NextMark => FillBeyondLimit ? "next-mark (fills beyond the limit allowed)" : "next-mark",
        FillMode.Slippage => $"slippage {SlippageBps} bps{(FillBeyondLimit ? " (fills beyond the limit allowed)" : string.Empty)}",
        FillMode.NoFill => "no-fill",
        _ => Mode.ToString(),
    };
}
