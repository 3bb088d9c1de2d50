using System.Globalization;
using System.Text;
using Xunit;
using static LiquidationEngine.Tests.Support.TestInstruments;
using LiquidationEngine.Contracts;
using LiquidationEngine.Protocol;

using LiquidationEngine.Tests.Support;

namespace LiquidationEngine.Tests.Protocol;

public class ProtocolCodecTests
{
    /// <summary>One example of every inbound command, as the docs show them.</summary>
    internal static readonly EngineCommand[] CommandExamples =
    [
        new() { Kind = CommandKind.MarkTick, ClientSequence = 1, TimestampUs = 1_700_000_000_000_000, Instrument = 0, Price = Px("18072.2") },
        new() { Kind = CommandKind.Deposit, ClientSequence = 2, Account = 7, Asset = 0, Amount = Usd("10000") },
        new() { Kind = CommandKind.Withdraw, ClientSequence = 3, Account = 7, Asset = 0, Amount = Usd("250.5") },
        new() { Kind = CommandKind.TradeFill, ClientSequence = 4, Account = 7, Instrument = 0, Side = 1, Leverage = 10, Quantity = Qty("1"), Price = Px("20000"), Aux = Usd("4") },
        new() { Kind = CommandKind.AddMargin, ClientSequence = 5, Account = 7, Instrument = 0, Amount = Usd("100") },
        new() { Kind = CommandKind.RemoveMargin, ClientSequence = 6, Account = 7, Instrument = 0, Amount = Usd("50") },
        new() { Kind = CommandKind.SetLeverage, ClientSequence = 7, Account = 7, Instrument = 0, Leverage = 5, Amount = Usd("2000") },
        new() { Kind = CommandKind.FundingSettlement, ClientSequence = 8, Instrument = 0, Amount = R("0.0001").Raw, Price = Px("20000") },
        new() { Kind = CommandKind.LiquidationFill, ClientSequence = 9, Aux = 1, Quantity = Qty("0.4"), Price = Px("18010") },
        new() { Kind = CommandKind.LiquidationNoFill, ClientSequence = 10, Aux = 1 },
        new() { Kind = CommandKind.InsuranceDeposit, ClientSequence = 11, Asset = 0, Amount = Usd("1000000") },
        new() { Kind = CommandKind.CrossUsage, ClientSequence = 15, Account = 7, Asset = 0, Amount = Usd("3000") },
        new() { Kind = CommandKind.QueryPosition, ClientSequence = 12, Account = 7, Instrument = 0, Aux = 0 },
        new() { Kind = CommandKind.QueryAccount, ClientSequence = 13, Account = 7 },
        new() { Kind = CommandKind.QueryStateHash, ClientSequence = 14 },
    ];

    /// <summary>One example of every outbound event.</summary>
    internal static readonly EngineEvent[] EventExamples =
    [
        new() { Kind = EventKind.Ack, ClientSequence = 2, InputSequence = 41, TimestampUs = 1_700_000_000_000_000, Account = 7 },
        new() { Kind = EventKind.Reject, ClientSequence = 3, InputSequence = 42, TimestampUs = 1_700_000_000_000_000, Account = 7, Reason = RejectReason.InsufficientBalance },
        new() { Kind = EventKind.LiquidationOrder, EventSequence = 5, InputSequence = 57, ClientSequence = 1, TimestampUs = 1_700_000_000_000_000, OrderId = 1, OrderKind = OrderKind.Full, Side = -1, Instrument = 0, Account = 7, PositionId = (1L << 32) | 0, Quantity = Qty("1"), Price = Px("18000"), TriggerMark = Px("18072.2") },
        new() { Kind = EventKind.AdlOrder, EventSequence = 9, InputSequence = 80, ClientSequence = 10, OrderId = 3, OrderKind = OrderKind.Adl, Side = 1, Instrument = 0, Account = 8, PositionId = (1L << 32) | 1, Quantity = Qty("0.5"), Price = Px("18000"), TriggerMark = Px("17500"), CauseOrderId = 1, CounterpartyPnl = Usd("1000") },
        new() { Kind = EventKind.PositionState, InputSequence = 43, ClientSequence = 12, PositionId = (1L << 32) | 0, Account = 7, Instrument = 0, Asset = 0, Side = 1, Status = 1, Leverage = 10, Quantity = Qty("1"), EntryPrice = Px("20000"), TriggerMark = Px("20000"), Margin = Usd("2000"), Equity = Usd("2000"), MaintenanceMargin = Usd("80"), LiquidationPrice = Px("18072.28915663"), BankruptcyPrice = Px("18000"), MarginRatio = R("0.04").Raw, MaxRemovable = 0 },
        new() { Kind = EventKind.AccountBalance, InputSequence = 44, ClientSequence = 13, Account = 7, Asset = 0, Balance = Usd("8000"), CrossUsage = Usd("3000"), Available = Usd("5000") },
        new() { Kind = EventKind.StateHash, InputSequence = 45, ClientSequence = 14, StateHash = 0xEABB47C9665B5643UL },
        new() { Kind = EventKind.LiquidationSettled, EventSequence = 6, InputSequence = 60, ClientSequence = 9, OrderId = 1, OrderKind = OrderKind.Full, Instrument = 0, Account = 7, PositionId = (1L << 32) | 0, Quantity = Qty("0.4"), Price = Px("18010"), TriggerMark = Px("18072.2"), RealisedPnl = Usd("-796"), LiquidationFee = Usd("21.612"), FundDelta = Usd("21.612") },
        new() { Kind = EventKind.FundingApplied, EventSequence = 7, InputSequence = 61, ClientSequence = 8, Instrument = 0, Price = Px("20000"), FundingRate = R("0.0001").Raw },
    ];

    [Fact]
    public void Every_inbound_command_survives_an_encode_and_decode_round_trip()
    {
        foreach (EngineCommand c in CommandExamples)
        {
            byte[] frame = CommandCodec.ToFrame(c);
            Assert.Equal(FrameParseStatus.Complete, FrameCodec.TryParse(frame, 1024, out MessageType type, out ReadOnlySpan<byte> body, out int length, out _));
            Assert.Equal(frame.Length, length);
            Assert.Equal(ProtocolError.None, CommandCodec.TryRead(type, body, out EngineCommand back));
            Assert.Equal(c, back);
        }
    }

    [Fact]
    public void Every_outbound_event_survives_an_encode_and_decode_round_trip()
    {
        foreach (EngineEvent e in EventExamples)
        {
            byte[] frame = EventCodec.ToFrame(e);
            Assert.Equal(FrameParseStatus.Complete, FrameCodec.TryParse(frame, 1024, out MessageType type, out ReadOnlySpan<byte> body, out _, out _));
            Assert.Equal(ProtocolError.None, EventCodec.TryRead(type, body, out EngineEvent back));
            Assert.Equal(e, back);
        }
    }

    [Fact]
    public void A_frame_arriving_one_byte_at_a_time_needs_more_until_it_is_whole()
    {
        byte[] frame = CommandCodec.ToFrame(CommandExamples[3]);
        for (int n = 0; n < frame.Length; n++)
        {
            Assert.Equal(FrameParseStatus.NeedMore, FrameCodec.TryParse(frame.AsSpan(0, n), 1024, out _, out _, out _, out _));
        }

        Assert.Equal(FrameParseStatus.Complete, FrameCodec.TryParse(frame, 1024, out _, out _, out _, out _));
    }

    [Fact]
    public void Any_flipped_bit_in_a_frame_is_caught_by_its_checksum_or_header_checks()
    {
        byte[] frame = CommandCodec.ToFrame(CommandExamples[3]);
        for (int bit = 0; bit < frame.Length * 8; bit++)
        {
            byte[] copy = (byte[])frame.Clone();
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.NotEqual(FrameParseStatus.Complete, FrameCodec.TryParse(copy, 1024, out _, out _, out _, out _) is var s && s == FrameParseStatus.NeedMore ? FrameParseStatus.Invalid : s);
        }
    }

    [Fact]
    public void A_declared_length_above_the_maximum_is_refused_before_the_body_arrives()
    {
        byte[] header = new byte[FrameCodec.HeaderSize];
        FrameCodec.WriteHeader(header, MessageType.MarkTick, 5000);

        Assert.Equal(FrameParseStatus.Invalid, FrameCodec.TryParse(header, 1024, out _, out _, out _, out ProtocolError error));
        Assert.Equal(ProtocolError.FrameTooLarge, error);
    }

    [Fact]
    public void The_protocol_document_shows_the_layouts_and_hex_that_the_encoder_produces()
    {
        string path = Path.Combine(Scenario.RepoRoot(), "docs", "PROTOCOL.md");
        string generated = ProtocolDocument.Generate();
        string doc = File.ReadAllText(path);
        int begin = doc.IndexOf(ProtocolDocument.Begin, StringComparison.Ordinal);
        int end = doc.IndexOf(ProtocolDocument.End, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, "docs/PROTOCOL.md lacks the generated-section markers");
        string current = doc[(begin + ProtocolDocument.Begin.Length)..end];
        if (Environment.GetEnvironmentVariable("LIQENGINE_UPDATE_DOCS") == "1" && current != generated)
        {
            File.WriteAllText(path, doc[..(begin + ProtocolDocument.Begin.Length)] + generated + doc[end..]);
            current = generated;
        }

        Assert.Equal(generated, current);
    }
}

/// <summary>Writes the message reference of docs/PROTOCOL.md from the codecs themselves.</summary>
internal static class ProtocolDocument
{
    public const string Begin = "<!-- generated by ProtocolCodecTests: begin -->\n";
    public const string End = "<!-- generated by ProtocolCodecTests: end -->";

    public static string Generate()
    {
        var o = new StringBuilder();
        o.Append("\n## Inbound commands (client → engine)\n\n");
        o.Append("Every command body starts with the same 16 bytes:\n\n| offset | size | type | field |\n|---:|---:|---|---|\n| 0 | 8 | i64 | clientSequence — echoed in the ack/reject/reply |\n| 8 | 8 | i64 | timestampUs — event time, µs since the Unix epoch; 0 = the gateway stamps its receive time |\n\n");
        foreach (EngineCommand c in ProtocolCodecTests.CommandExamples)
        {
            var type = (MessageType)c.Kind;
            o.Append(Invariant($"### 0x{(byte)type:X2} {type} — body {CommandCodec.BodySize(type)} bytes\n\n"));
            o.Append("| offset | size | type | field |\n|---:|---:|---|---|\n| 0 | 16 | | prefix (clientSequence, timestampUs) |\n");
            int at = CommandCodec.PrefixSize;
            foreach (CommandField f in CommandCodec.Layout(type))
            {
                o.Append(Invariant($"| {at} | {CommandCodec.SizeOf(f)} | {CommandCodec.TypeOf(f)} | {Describe(f)} |\n"));
                at += CommandCodec.SizeOf(f);
            }

            o.Append('\n').Append(Invariant($"Example ({Example(c)}):\n\n")).Append(Hex(CommandCodec.ToFrame(c))).Append('\n');
        }

        o.Append("## Outbound events (engine → client)\n\n");
        o.Append("Every event body starts with the same 32 bytes:\n\n| offset | size | type | field |\n|---:|---:|---|---|\n| 0 | 8 | i64 | eventSequence — numbered for orders, settlements and funding (resume point); 0 on replies |\n| 8 | 8 | i64 | inputSequence — the engine sequence of the input that caused it |\n| 16 | 8 | i64 | clientSequence — the causing command's client sequence |\n| 24 | 8 | i64 | timestampUs — the causing input's event time |\n\n");
        foreach (EngineEvent e in ProtocolCodecTests.EventExamples)
        {
            MessageType type = EventCodec.TypeOf(e.Kind);
            o.Append(Invariant($"### 0x{(byte)type:X2} {type} — body {EventCodec.BodySize(type)} bytes — {(e.Kind.IsBroadcast() ? "to every client, kept in the order log" : "to the sender only")}\n\n"));
            o.Append("| offset | size | type | field |\n|---:|---:|---|---|\n| 0 | 32 | | prefix (eventSequence, inputSequence, clientSequence, timestampUs) |\n");
            int at = EventCodec.PrefixSize;
            foreach (EventField f in EventCodec.Layout(type))
            {
                o.Append(Invariant($"| {at} | {EventCodec.SizeOf(f)} | {EventCodec.TypeOf(f)} | {f}: {Summary(f)} |\n"));
                at += EventCodec.SizeOf(f);
            }

            o.Append("\nExample:\n\n").Append(Hex(EventCodec.ToFrame(e))).Append('\n');
        }

        o.Append("## Session messages\n\n");
        byte[] hello = new byte[64];
        int n = new HelloMessage(41, Encoding.UTF8.GetBytes("s3cret")).WriteFrame(hello);
        o.Append("### 0x30 Hello (client → engine, first frame) — body 10 + secret bytes\n\n| offset | size | type | field |\n|---:|---:|---|---|\n| 0 | 8 | i64 | lastSeenEventSequence — replay retained orders/settlements/funding after it; -1 = live only |\n| 8 | 2 | u16 | secretLength (≤ 256) |\n| 10 | n | bytes | shared secret, UTF-8 (empty when none is configured) |\n\n");
        o.Append("Example (resume after event 41, secret \"s3cret\"):\n\n").Append(Hex(hello[..n])).Append('\n');
        byte[] welcome = new byte[64];
        n = new WelcomeMessage(3, 57, 5, 2, false, 1024).WriteFrame(welcome);
        o.Append("### 0xA0 Welcome (engine → client, reply to Hello) — body 29 bytes\n\n| offset | size | type | field |\n|---:|---:|---|---|\n| 0 | 4 | i32 | sourceId — this connection's id |\n| 4 | 8 | i64 | newestEventSequence in the order log (0 = empty) |\n| 12 | 8 | i64 | oldestEventSequence in the order log (0 = empty) |\n| 20 | 4 | i32 | replayCount — logged messages that follow before live traffic |\n| 24 | 1 | u8 | gap — 1 when messages after the resume point have left the log |\n| 25 | 4 | i32 | maxBodyBytes the gateway accepts |\n\n");
        o.Append("Example:\n\n").Append(Hex(welcome[..n])).Append('\n');
        byte[] heartbeat = new byte[64];
        n = new HeartbeatMessage(7).WriteFrame(heartbeat, MessageType.Heartbeat);
        o.Append("### 0x31 Heartbeat (client → engine, any time after Hello) and 0xA1 HeartbeatAck (engine → client) — body 8 bytes\n\n| offset | size | type | field |\n|---:|---:|---|---|\n| 0 | 8 | i64 | token — any value; the HeartbeatAck echoes it |\n\n");
        o.Append("Example (Heartbeat, token 7; the HeartbeatAck differs only in the type byte and the CRC):\n\n").Append(Hex(heartbeat[..n])).Append('\n');
        byte[] error = new ErrorMessage(ProtocolError.BadChecksum, true, 0, 0).ToFrame();
        o.Append("### 0xAF Error (engine → client) — body 12 bytes\n\n| offset | size | type | field |\n|---:|---:|---|---|\n| 0 | 2 | u16 | reason (table below) |\n| 2 | 1 | u8 | closing — 1 when the gateway closes the connection after this frame |\n| 3 | 1 | u8 | type byte of the rejected frame (0 if unknown) |\n| 4 | 8 | i64 | clientSequence of the rejected frame when readable, else 0 |\n\n");
        o.Append("Example (bad checksum, closing):\n\n").Append(Hex(error)).Append('\n');
        o.Append("| reason | name | closes |\n|---:|---|---|\n");
        foreach (ProtocolError p in Enum.GetValues<ProtocolError>().Where(p => p != ProtocolError.None))
        {
            o.Append(Invariant($"| {(ushort)p} | {p} (`{p.Label()}`) | {(p.ClosesConnection() ? "yes" : "no")} |\n"));
        }

        o.Append("\n### Reject reasons (u16 in Reject)\n\n| value | name |\n|---:|---|\n");
        foreach (RejectReason r in Enum.GetValues<RejectReason>().Where(r => r != RejectReason.None))
        {
            o.Append(Invariant($"| {(ushort)r} | {r} |\n"));
        }

        o.Append('\n');
        return o.ToString();
    }

    private static string Example(EngineCommand c) => c.Kind switch
    {
        CommandKind.MarkTick => "instrument 0 marked at 18,072.2",
        CommandKind.Deposit => "account 7 deposits 10,000 of asset 0",
        CommandKind.TradeFill => "account 7 buys 1 at 20,000, 10x, fee 4",
        CommandKind.FundingSettlement => "rate 0.0001 at 20,000",
        CommandKind.LiquidationFill => "order 1 filled 0.4 at 18,010",
        _ => $"client sequence {c.ClientSequence}",
    };

    private static string Describe(CommandField f) => f switch
    {
        CommandField.Account => "account id",
        CommandField.Asset => "settlement asset index (order of `assets` in instruments.json)",
        CommandField.Instrument => "instrument index (order of `instruments` in instruments.json)",
        CommandField.Side => "side: +1 buy, -1 sell",
        CommandField.Leverage => "whole leverage",
        CommandField.Quantity => "quantity, raw 10^-8",
        CommandField.Price => "price, raw 10^-8",
        CommandField.Amount => "amount, money raw 10^-8",
        CommandField.Rate => "funding rate, raw 10^-10",
        CommandField.Fee => "trading fee, money raw 10^-8",
        CommandField.OrderId => "engine order id (from a LiquidationOrder/AdlOrder)",
        CommandField.MarginMode => "margin mode: 0 isolated, 1 cross (rejected with CrossFill: cross fills belong to the cross engine)",
        _ => "position id (0 = look up by account and instrument)",
    };

    private static string Summary(EventField f) => f switch
    {
        EventField.Reason => "reject reason",
        EventField.OrderKind => "1 full, 2 partial, 3 ADL",
        EventField.Side => "+1 buy, -1 sell (orders: the side that closes the position)",
        EventField.Quantity => "raw 10^-8 (order size; filled size; signed size in a position)",
        EventField.Price => "raw 10^-8 (order limit = bankruptcy price; fill price; funding price)",
        EventField.Mark => "raw 10^-8 (trigger mark; current mark in a position, 0 = none)",
        EventField.LiquidationPrice => "raw 10^-8; i64.MinValue = none",
        EventField.MarginRatio => "MM/equity raw 10^-10; i64.MaxValue when equity ≤ 0",
        EventField.Status => "1 open, 2 liquidating",
        EventField.FundingRate => "raw 10^-10",
        EventField.CrossUsage => "money raw 10^-8: the cross usage last reported for the asset",
        EventField.Available => "money raw 10^-8: main − cross usage, what isolated opens, add-margin and withdrawals may use",
        EventField.Hash => "state hash",
        EventField.Instrument or EventField.Account or EventField.Asset or EventField.OrderId or EventField.PositionId or EventField.Leverage or EventField.CauseOrderId => "id / index",
        _ => "money raw 10^-8",
    };

    private static string Hex(byte[] frame)
    {
        var o = new StringBuilder("```\n");
        for (int i = 0; i < frame.Length; i += 16)
        {
            o.Append(string.Join(' ', frame.Skip(i).Take(16).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)))).Append('\n');
        }

        return o.Append("```\n").ToString();
    }

    private static string Invariant(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
