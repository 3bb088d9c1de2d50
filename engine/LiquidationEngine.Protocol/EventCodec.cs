using System.Buffers.Binary;
using System.Collections.Frozen;
using LiquidationEngine.Contracts;
using LiquidationEngine.Pipeline;

namespace LiquidationEngine.Protocol;

/// <summary>One field of an outbound event body, in wire order. The summary names the <see cref="EngineEvent"/> field it carries.</summary>
public enum EventField : byte
{
    /// <summary>i64 account id (<see cref="EngineEvent.Account"/>).</summary>
    Account,

    /// <summary>i32 instrument index.</summary>
    Instrument,

    /// <summary>u16 <see cref="RejectReason"/>.</summary>
    Reason,

    /// <summary>i64 engine order id.</summary>
    OrderId,

    /// <summary>u8 <see cref="Contracts.OrderKind"/>: 1 full, 2 partial, 3 ADL.</summary>
    OrderKind,

    /// <summary>i8 order side (+1 buy, -1 sell), or position side in a position reply.</summary>
    Side,

    /// <summary>i64 position id.</summary>
    PositionId,

    /// <summary>i64 quantity raw (10^-8): order size, filled size, or signed position size in a position reply.</summary>
    Quantity,

    /// <summary>i64 price raw (10^-8): the order's limit (the bankruptcy price) or the fill price.</summary>
    Price,

    /// <summary>i64 mark raw (10^-8) that triggered the order, or the current mark in a position reply (0 = none yet).</summary>
    Mark,

    /// <summary>i64 order id of the liquidation that caused an ADL order (<see cref="EngineEvent.CauseOrderId"/>).</summary>
    CauseOrderId,

    /// <summary>i64 realised PnL raw money of the ADL counterparty (<see cref="EngineEvent.CounterpartyPnl"/>).</summary>
    CounterpartyPnl,

    /// <summary>i16 settlement asset index.</summary>
    Asset,

    /// <summary>u8 position status: 1 open, 2 liquidating.</summary>
    Status,

    /// <summary>i32 whole leverage.</summary>
    Leverage,

    /// <summary>i64 average entry price raw (10^-8).</summary>
    EntryPrice,

    /// <summary>i64 block margin M raw money, pending funding charged.</summary>
    Margin,

    /// <summary>i64 equity at mark raw money.</summary>
    Equity,

    /// <summary>i64 maintenance margin at mark raw money.</summary>
    MaintenanceMargin,

    /// <summary>i64 liquidation price raw (10^-8); i64.MinValue (<c>00 00 00 00 00 00 00 80</c>) means "none".</summary>
    LiquidationPrice,

    /// <summary>i64 bankruptcy price raw (10^-8).</summary>
    BankruptcyPrice,

    /// <summary>i64 margin ratio MM/equity raw rate (10^-10); i64.MaxValue when equity ≤ 0.</summary>
    MarginRatio,

    /// <summary>i64 max removable margin raw money.</summary>
    MaxRemovable,

    /// <summary>i64 main balance raw money (<see cref="EngineEvent.Balance"/>).</summary>
    Balance,

    /// <summary>u64 state hash (<see cref="EngineEvent.StateHash"/>).</summary>
    Hash,

    /// <summary>i64 realised PnL of the liquidated block raw money (<see cref="EngineEvent.RealisedPnl"/>).</summary>
    RealisedPnl,

    /// <summary>i64 liquidation fee charged raw money (<see cref="EngineEvent.LiquidationFee"/>).</summary>
    LiquidationFee,

    /// <summary>i64 insurance fund change raw money (<see cref="EngineEvent.FundDelta"/>).</summary>
    InsuranceFundDelta,

    /// <summary>i64 funding rate raw (10^-10) (<see cref="EngineEvent.FundingRate"/>).</summary>
    FundingRate,

    /// <summary>i64 cross usage raw money (<see cref="EngineEvent.CrossUsage"/>).</summary>
    CrossUsage,

    /// <summary>i64 available = main − cross usage raw money (<see cref="EngineEvent.Available"/>).</summary>
    Available,
}

/// <summary>Encodes and decodes outbound engine-event bodies (docs/PROTOCOL.md, "Outbound events").</summary>
/// <remarks>Every event body starts with <c>eventSequence i64, inputSequence i64, clientSequence i64, timestampUs i64</c>,
/// followed by the kind's fields in <see cref="Layout"/> order. Decoding fills an <see cref="EngineEvent"/>.</remarks>
public static class EventCodec
{
    /// <summary>Bytes of the common prefix.</summary>
    public const int PrefixSize = 32;

    private static readonly FrozenDictionary<MessageType, EventField[]> Layouts = new Dictionary<MessageType, EventField[]>
    {
        [MessageType.Ack] = [EventField.Account, EventField.Instrument],
        [MessageType.Reject] = [EventField.Account, EventField.Instrument, EventField.Reason],
        [MessageType.LiquidationOrder] = [EventField.OrderId, EventField.OrderKind, EventField.Side, EventField.Instrument, EventField.Account, EventField.PositionId, EventField.Quantity, EventField.Price, EventField.Mark],
        [MessageType.AdlOrder] = [EventField.OrderId, EventField.OrderKind, EventField.Side, EventField.Instrument, EventField.Account, EventField.PositionId, EventField.Quantity, EventField.Price, EventField.Mark, EventField.CauseOrderId, EventField.CounterpartyPnl],
        [MessageType.PositionState] =
        [
            EventField.PositionId, EventField.Account, EventField.Instrument, EventField.Asset, EventField.Side, EventField.Status, EventField.Leverage,
            EventField.Quantity, EventField.EntryPrice, EventField.Mark, EventField.Margin, EventField.Equity, EventField.MaintenanceMargin,
            EventField.LiquidationPrice, EventField.BankruptcyPrice, EventField.MarginRatio, EventField.MaxRemovable,
        ],
        [MessageType.AccountBalance] = [EventField.Account, EventField.Asset, EventField.Balance, EventField.CrossUsage, EventField.Available],
        [MessageType.StateHash] = [EventField.Hash],
        [MessageType.LiquidationSettled] = [EventField.OrderId, EventField.OrderKind, EventField.Instrument, EventField.Account, EventField.PositionId, EventField.Quantity, EventField.Price, EventField.Mark, EventField.RealisedPnl, EventField.LiquidationFee, EventField.InsuranceFundDelta],
        [MessageType.FundingApplied] = [EventField.Instrument, EventField.Price, EventField.FundingRate],
    }.ToFrozenDictionary();

    /// <summary>The message type of an engine event kind.</summary>
    public static MessageType TypeOf(EventKind kind) => (MessageType)(0x80 | (byte)kind);

    /// <summary>True for message types that carry an engine event.</summary>
    public static bool IsEvent(MessageType type) => Layouts.ContainsKey(type);

    /// <summary>The fields of an event message, in wire order after the prefix.</summary>
    public static IReadOnlyList<EventField> Layout(MessageType type) => Layouts[type];

    /// <summary>Wire size of a field in bytes.</summary>
    public static int SizeOf(EventField field) => field switch
    {
        EventField.OrderKind or EventField.Side or EventField.Status => 1,
        EventField.Reason or EventField.Asset => 2,
        EventField.Instrument or EventField.Leverage => 4,
        _ => 8,
    };

    /// <summary>Wire type name of a field.</summary>
    public static string TypeOf(EventField field) => field switch
    {
        EventField.OrderKind or EventField.Status => "u8",
        EventField.Side => "i8",
        EventField.Reason => "u16",
        EventField.Asset => "i16",
        EventField.Instrument or EventField.Leverage => "i32",
        EventField.Hash => "u64",
        _ => "i64",
    };

    /// <summary>The exact body length of an event message.</summary>
    public static int BodySize(MessageType type)
    {
        int size = PrefixSize;
        foreach (EventField f in Layouts[type])
        {
            size += SizeOf(f);
        }

        return size;
    }

    /// <summary>Writes a whole frame for an event; returns its length (at most <see cref="FrameCodec.Overhead"/> + 256).</summary>
    public static int WriteFrame(in EngineEvent e, Span<byte> destination)
    {
        MessageType type = TypeOf(e.Kind);
        EventField[] layout = Layouts.TryGetValue(type, out EventField[]? l) ? l : throw new ArgumentException($"{e.Kind} has no wire form", nameof(e));
        Span<byte> body = destination[FrameCodec.HeaderSize..];
        BinaryPrimitives.WriteInt64LittleEndian(body, e.EventSequence);
        BinaryPrimitives.WriteInt64LittleEndian(body[8..], e.InputSequence);
        BinaryPrimitives.WriteInt64LittleEndian(body[16..], e.ClientSequence);
        BinaryPrimitives.WriteInt64LittleEndian(body[24..], e.TimestampUs);
        int at = PrefixSize;
        foreach (EventField f in layout)
        {
            Span<byte> d = body[at..];
            switch (SizeOf(f))
            {
                case 1: d[0] = unchecked((byte)Get(e, f)); break;
                case 2: BinaryPrimitives.WriteInt16LittleEndian(d, unchecked((short)Get(e, f))); break;
                case 4: BinaryPrimitives.WriteInt32LittleEndian(d, unchecked((int)Get(e, f))); break;
                default: BinaryPrimitives.WriteInt64LittleEndian(d, Get(e, f)); break;
            }

            at += SizeOf(f);
        }

        return FrameCodec.Complete(destination, type, at);
    }

    /// <summary>Encodes an event as a new frame array.</summary>
    public static byte[] ToFrame(in EngineEvent e)
    {
        Span<byte> scratch = stackalloc byte[FrameCodec.Overhead + FrameCodec.LargestBody];
        return scratch[..WriteFrame(e, scratch)].ToArray();
    }

    /// <summary>Decodes an event body into an <see cref="EngineEvent"/> (fields not on the wire stay zero).</summary>
    public static ProtocolError TryRead(MessageType type, ReadOnlySpan<byte> body, out EngineEvent e)
    {
        e = default;
        if (!Layouts.TryGetValue(type, out EventField[]? layout))
        {
            return ProtocolError.UnknownMessageType;
        }

        int size = BodySize(type);
        ProtocolError lengthError = FrameCodec.CheckBodyLength(body.Length, size);
        if (lengthError != ProtocolError.None)
        {
            return lengthError;
        }

        e.Kind = (EventKind)((byte)type & 0x7F);
        e.EventSequence = BinaryPrimitives.ReadInt64LittleEndian(body);
        e.InputSequence = BinaryPrimitives.ReadInt64LittleEndian(body[8..]);
        e.ClientSequence = BinaryPrimitives.ReadInt64LittleEndian(body[16..]);
        e.TimestampUs = BinaryPrimitives.ReadInt64LittleEndian(body[24..]);
        int at = PrefixSize;
        foreach (EventField f in layout)
        {
            ReadOnlySpan<byte> s = body[at..];
            long v = SizeOf(f) switch
            {
                1 => f == EventField.Side ? unchecked((sbyte)s[0]) : s[0],
                2 => f == EventField.Reason ? BinaryPrimitives.ReadUInt16LittleEndian(s) : BinaryPrimitives.ReadInt16LittleEndian(s),
                4 => BinaryPrimitives.ReadInt32LittleEndian(s),
                _ => BinaryPrimitives.ReadInt64LittleEndian(s),
            };
            Set(ref e, f, v);
            at += SizeOf(f);
        }

        return ProtocolError.None;
    }

    private static long Get(in EngineEvent e, EventField f) => f switch
    {
        EventField.Account => e.Account,
        EventField.Instrument => e.Instrument,
        EventField.Reason => (long)e.Reason,
        EventField.OrderId => e.OrderId,
        EventField.OrderKind => (long)e.OrderKind,
        EventField.Side => e.Side,
        EventField.PositionId => e.PositionId,
        EventField.Quantity => e.Quantity,
        EventField.Price => e.Price,
        EventField.Mark => e.TriggerMark,
        EventField.Equity => e.Equity,
        EventField.RealisedPnl => e.RealisedPnl,
        EventField.CauseOrderId => e.CauseOrderId,
        EventField.Margin => e.Margin,
        EventField.CounterpartyPnl => e.CounterpartyPnl,
        EventField.Balance => e.Balance,
        EventField.Hash => (long)e.StateHash,
        EventField.FundingRate => e.FundingRate,
        EventField.Asset => e.Asset,
        EventField.Status => e.Status,
        EventField.Leverage => e.Leverage,
        EventField.EntryPrice => e.EntryPrice,
        EventField.MaintenanceMargin => e.MaintenanceMargin,
        EventField.LiquidationFee => e.LiquidationFee,
        EventField.LiquidationPrice => e.LiquidationPrice,
        EventField.InsuranceFundDelta => e.FundDelta,
        EventField.BankruptcyPrice => e.BankruptcyPrice,
        EventField.MarginRatio => e.MarginRatio,
        EventField.MaxRemovable => e.MaxRemovable,
        EventField.CrossUsage => e.CrossUsage,
        EventField.Available => e.Available,
        _ => 0,
    };

    private static void Set(ref EngineEvent e, EventField f, long v)
    {
        switch (f)
        {
            case EventField.Account: e.Account = v; break;
            case EventField.Instrument: e.Instrument = (int)v; break;
            case EventField.Reason: e.Reason = (RejectReason)v; break;
            case EventField.OrderId: e.OrderId = v; break;
            case EventField.OrderKind: e.OrderKind = (OrderKind)v; break;
            case EventField.Side: e.Side = (sbyte)v; break;
            case EventField.PositionId: e.PositionId = v; break;
            case EventField.Quantity: e.Quantity = v; break;
            case EventField.Price: e.Price = v; break;
            case EventField.Mark: e.TriggerMark = v; break;
            case EventField.Equity: e.Equity = v; break;
            case EventField.RealisedPnl: e.RealisedPnl = v; break;
            case EventField.CauseOrderId: e.CauseOrderId = v; break;
            case EventField.Margin: e.Margin = v; break;
            case EventField.CounterpartyPnl: e.CounterpartyPnl = v; break;
            case EventField.Balance: e.Balance = v; break;
            case EventField.Hash: e.StateHash = (ulong)v; break;
            case EventField.FundingRate: e.FundingRate = v; break;
            case EventField.Asset: e.Asset = (short)v; break;
            case EventField.Status: e.Status = (byte)v; break;
            case EventField.Leverage: e.Leverage = (int)v; break;
            case EventField.EntryPrice: e.EntryPrice = v; break;
            case EventField.MaintenanceMargin: e.MaintenanceMargin = v; break;
            case EventField.LiquidationFee: e.LiquidationFee = v; break;
            case EventField.LiquidationPrice: e.LiquidationPrice = v; break;
            case EventField.InsuranceFundDelta: e.FundDelta = v; break;
            case EventField.BankruptcyPrice: e.BankruptcyPrice = v; break;
            case EventField.MarginRatio: e.MarginRatio = v; break;
            case EventField.MaxRemovable: e.MaxRemovable = v; break;
            case EventField.CrossUsage: e.CrossUsage = v; break;
            case EventField.Available: e.Available = v; break;
            default: break;
        }
    }
}
