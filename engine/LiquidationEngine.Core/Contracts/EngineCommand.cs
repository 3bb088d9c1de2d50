using System.Runtime.InteropServices;

namespace LiquidationEngine.Contracts;

/// <summary>One input to the single writer: a mark tick or a ledger command. The input ring's pre-allocated entry.</summary>
/// <remarks>A flat struct so the ring never allocates; the fields a kind uses are listed on <see cref="CommandKind"/>.
/// All money, price and quantity fields are raw fixed-point integers (see <c>Numerics</c>).</remarks>
[StructLayout(LayoutKind.Sequential)]
public struct EngineCommand
{
    /// <summary>What to do.</summary>
    public CommandKind Kind;

    /// <summary>+1 buy / -1 sell for <see cref="CommandKind.TradeFill"/>.</summary>
    public sbyte Side;

    /// <summary>Settlement asset index for deposits and withdrawals.</summary>
    public short Asset;

    /// <summary>Instrument index in the catalog.</summary>
    public int Instrument;

    /// <summary>Who sent it: 0 for in-process (replay, tests), otherwise a gateway connection id. Acks and rejects go back to it.</summary>
    public int SourceId;

    /// <summary>Whole leverage for opens and leverage changes.</summary>
    public int Leverage;

    /// <summary>Account id.</summary>
    public long Account;

    /// <summary>The sender's own sequence number, echoed in the ack or reject.</summary>
    public long ClientSequence;

    /// <summary>Event time, µs since the Unix epoch.</summary>
    public long TimestampUs;

    /// <summary>Price raw (10^-8): mark, fill price, funding reference price.</summary>
    public long Price;

    /// <summary>Quantity raw (10^-8), always positive.</summary>
    public long Quantity;

    /// <summary>Money raw (10^-8) for transfers; funding rate raw (10^-10) for funding.</summary>
    public long Amount;

    /// <summary>Trading fee raw money for fills; order id for liquidation reports; position id for queries.</summary>
    public long Aux;

    /// <summary>Set by the writer: the ring sequence this command was applied at.</summary>
    public long Sequence;

    /// <summary>Funding rate raw (10^-10), alias of <see cref="Amount"/>.</summary>
    public readonly long Rate => Amount;

    /// <summary>Trading fee raw money, alias of <see cref="Aux"/>.</summary>
    public readonly long Fee => Aux;

    /// <summary>Margin mode of a <see cref="CommandKind.TradeFill"/>, alias of <see cref="Amount"/> (unused by fills,
    /// and journaled): 0 isolated, 1 cross; any other value is invalid.</summary>
    public MarginMode MarginMode
    {
        readonly get => Amount is >= 0 and <= byte.MaxValue ? (MarginMode)Amount : (MarginMode)byte.MaxValue;
        set => Amount = (long)value;
    }

    /// <summary>Liquidation order id, alias of <see cref="Aux"/>.</summary>
    public readonly long OrderId => Aux;
}
