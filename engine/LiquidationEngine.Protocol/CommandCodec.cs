using System.Buffers.Binary;
using System.Collections.Frozen;
using LiquidationEngine.Contracts;

namespace LiquidationEngine.Protocol;

/// <summary>One field of an inbound command body, in the order it appears on the wire.</summary>
public enum CommandField : byte
{
    /// <summary>i64 account id → <see cref="EngineCommand.Account"/>.</summary>
    Account,

    /// <summary>i16 settlement asset index → <see cref="EngineCommand.Asset"/>.</summary>
    Asset,

    /// <summary>i32 instrument index → <see cref="EngineCommand.Instrument"/>.</summary>
    Instrument,

    /// <summary>i8 side, +1 buy / -1 sell → <see cref="EngineCommand.Side"/>.</summary>
    Side,

    /// <summary>i32 whole leverage → <see cref="EngineCommand.Leverage"/>.</summary>
    Leverage,

    /// <summary>i64 quantity raw (10^-8) → <see cref="EngineCommand.Quantity"/>.</summary>
    Quantity,

    /// <summary>i64 price raw (10^-8) → <see cref="EngineCommand.Price"/>.</summary>
    Price,

    /// <summary>i64 money raw (10^-8) → <see cref="EngineCommand.Amount"/>.</summary>
    Amount,

    /// <summary>i64 funding rate raw (10^-10) → <see cref="EngineCommand.Amount"/>.</summary>
    Rate,

    /// <summary>i64 trading fee, money raw (10^-8) → <see cref="EngineCommand.Aux"/>.</summary>
    Fee,

    /// <summary>i64 liquidation/ADL order id → <see cref="EngineCommand.Aux"/>.</summary>
    OrderId,

    /// <summary>i64 position id, 0 = look up by (account, instrument) → <see cref="EngineCommand.Aux"/>.</summary>
    PositionId,

    /// <summary>u8 margin mode, 0 isolated / 1 cross → <see cref="EngineCommand.MarginMode"/> (carried in <see cref="EngineCommand.Amount"/>).</summary>
    MarginMode,
}

/// <summary>Encodes and decodes inbound command bodies (docs/PROTOCOL.md, "Inbound commands").</summary>
/// <remarks>Every command body starts with <c>clientSequence i64, timestampUs i64</c> (0 = let the gateway stamp its
/// receive time), followed by the kind's fields in <see cref="Layout"/> order. A body must be exactly that long.</remarks>
public static class CommandCodec
{
    /// <summary>Bytes of the common prefix (client sequence and timestamp).</summary>
    public const int PrefixSize = 16;

    private static readonly FrozenDictionary<MessageType, CommandField[]> Layouts = new Dictionary<MessageType, CommandField[]>
    {
        [MessageType.MarkTick] = [CommandField.Instrument, CommandField.Price],
        [MessageType.Deposit] = [CommandField.Account, CommandField.Asset, CommandField.Amount],
        [MessageType.Withdraw] = [CommandField.Account, CommandField.Asset, CommandField.Amount],
        [MessageType.TradeFill] = [CommandField.Account, CommandField.Instrument, CommandField.Side, CommandField.Leverage, CommandField.Quantity, CommandField.Price, CommandField.Fee, CommandField.MarginMode],
        [MessageType.AddMargin] = [CommandField.Account, CommandField.Instrument, CommandField.Amount],
        [MessageType.RemoveMargin] = [CommandField.Account, CommandField.Instrument, CommandField.Amount],
        [MessageType.SetLeverage] = [CommandField.Account, CommandField.Instrument, CommandField.Leverage, CommandField.Amount],
        [MessageType.FundingSettlement] = [CommandField.Instrument, CommandField.Rate, CommandField.Price],
        [MessageType.LiquidationFill] = [CommandField.OrderId, CommandField.Quantity, CommandField.Price],
        [MessageType.LiquidationNoFill] = [CommandField.OrderId],
        [MessageType.InsuranceDeposit] = [CommandField.Asset, CommandField.Amount],
        [MessageType.CrossUsage] = [CommandField.Account, CommandField.Asset, CommandField.Amount],
        [MessageType.QueryPosition] = [CommandField.Account, CommandField.Instrument, CommandField.PositionId],
        [MessageType.QueryAccount] = [CommandField.Account],
        [MessageType.QueryStateHash] = [],
    }.ToFrozenDictionary();

    /// <summary>True for the message types that carry an engine command.</summary>
    public static bool IsCommand(MessageType type) => Layouts.ContainsKey(type);

    /// <summary>The fields of a command message, in wire order after the prefix.</summary>
    public static IReadOnlyList<CommandField> Layout(MessageType type) => Layouts[type];

    /// <summary>The exact body length of a command message.</summary>
    public static int BodySize(MessageType type)
    {
        int size = PrefixSize;
        foreach (CommandField f in Layouts[type])
        {
            size += SizeOf(f);
        }

        return size;
    }

    /// <summary>Wire size of a field in bytes.</summary>
    public static int SizeOf(CommandField field) => field switch
    {
        CommandField.Side or CommandField.MarginMode => 1,
        CommandField.Asset => 2,
        CommandField.Instrument or CommandField.Leverage => 4,
        _ => 8,
    };

    /// <summary>Wire type name of a field (i8, i16, i32, i64).</summary>
    public static string TypeOf(CommandField field) => (field == CommandField.MarginMode ? "u" : "i") + (SizeOf(field) * 8).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes the body of a command; returns its length. <see cref="EngineCommand.Kind"/> picks the layout.</summary>
    public static int WriteBody(in EngineCommand command, Span<byte> destination)
    {
        MessageType type = (MessageType)command.Kind;
        CommandField[] layout = Layouts.TryGetValue(type, out CommandField[]? l) ? l : throw new ArgumentException($"{command.Kind} is not a wire command", nameof(command));
        BinaryPrimitives.WriteInt64LittleEndian(destination, command.ClientSequence);
        BinaryPrimitives.WriteInt64LittleEndian(destination[8..], command.TimestampUs);
        int at = PrefixSize;
        foreach (CommandField f in layout)
        {
            Span<byte> d = destination[at..];
            switch (f)
            {
                case CommandField.Account: BinaryPrimitives.WriteInt64LittleEndian(d, command.Account); break;
                case CommandField.Asset: BinaryPrimitives.WriteInt16LittleEndian(d, command.Asset); break;
                case CommandField.Instrument: BinaryPrimitives.WriteInt32LittleEndian(d, command.Instrument); break;
                case CommandField.Side: d[0] = unchecked((byte)command.Side); break;
                case CommandField.MarginMode: d[0] = unchecked((byte)command.Amount); break;
                case CommandField.Leverage: BinaryPrimitives.WriteInt32LittleEndian(d, command.Leverage); break;
                case CommandField.Quantity: BinaryPrimitives.WriteInt64LittleEndian(d, command.Quantity); break;
                case CommandField.Price: BinaryPrimitives.WriteInt64LittleEndian(d, command.Price); break;
                case CommandField.Amount or CommandField.Rate: BinaryPrimitives.WriteInt64LittleEndian(d, command.Amount); break;
                default: BinaryPrimitives.WriteInt64LittleEndian(d, command.Aux); break;
            }

            at += SizeOf(f);
        }

        return at;
    }

    /// <summary>Writes a whole frame for a command; returns its length.</summary>
    public static int WriteFrame(in EngineCommand command, Span<byte> destination)
    {
        int body = WriteBody(command, destination[FrameCodec.HeaderSize..]);
        return FrameCodec.Complete(destination, (MessageType)command.Kind, body);
    }

    /// <summary>Encodes a command as a new frame array.</summary>
    public static byte[] ToFrame(in EngineCommand command)
    {
        Span<byte> scratch = stackalloc byte[FrameCodec.Overhead + 128];
        return scratch[..WriteFrame(command, scratch)].ToArray();
    }

    /// <summary>Decodes a command body. The source id and sequence are left for the gateway and the ring to set.</summary>
    public static ProtocolError TryRead(MessageType type, ReadOnlySpan<byte> body, out EngineCommand command)
    {
        command = default;
        if (!Layouts.TryGetValue(type, out CommandField[]? layout))
        {
            return ProtocolError.UnknownMessageType;
        }

        int size = BodySize(type);
        if (body.Length < size)
        {
            return ProtocolError.TruncatedBody;
        }

        if (body.Length > size)
        {
            return ProtocolError.BadBodyLength;
        }

        command.Kind = (CommandKind)type;
        command.ClientSequence = BinaryPrimitives.ReadInt64LittleEndian(body);
        command.TimestampUs = BinaryPrimitives.ReadInt64LittleEndian(body[8..]);
        int at = PrefixSize;
        foreach (CommandField f in layout)
        {
            ReadOnlySpan<byte> s = body[at..];
            switch (f)
            {
                case CommandField.Account: command.Account = BinaryPrimitives.ReadInt64LittleEndian(s); break;
                case CommandField.Asset: command.Asset = BinaryPrimitives.ReadInt16LittleEndian(s); break;
                case CommandField.Instrument: command.Instrument = BinaryPrimitives.ReadInt32LittleEndian(s); break;
                case CommandField.Side: command.Side = unchecked((sbyte)s[0]); break;
                case CommandField.MarginMode: command.Amount = s[0]; break;
                case CommandField.Leverage: command.Leverage = BinaryPrimitives.ReadInt32LittleEndian(s); break;
                case CommandField.Quantity: command.Quantity = BinaryPrimitives.ReadInt64LittleEndian(s); break;
                case CommandField.Price: command.Price = BinaryPrimitives.ReadInt64LittleEndian(s); break;
                case CommandField.Amount or CommandField.Rate: command.Amount = BinaryPrimitives.ReadInt64LittleEndian(s); break;
                default: command.Aux = BinaryPrimitives.ReadInt64LittleEndian(s); break;
            }

            at += SizeOf(f);
        }

        return ProtocolError.None;
    }
}
