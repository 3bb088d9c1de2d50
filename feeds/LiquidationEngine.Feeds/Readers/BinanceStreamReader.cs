using System.Text.Json;
using LiquidationEngine.Numerics;

namespace LiquidationEngine.Feeds;

/// <summary>Reads Binance USDⓈ-M websocket recordings: one JSON message per line, optionally prefixed by a local
/// receive time in µs and a space (<c>1680652801050102 {"stream":"btcusdt@markPrice@1s","data":{...}}</c>).</summary>
/// <remarks>
/// <para>Only <c>markPriceUpdate</c> events are read (combined-stream <c>data</c> object, or a bare event object):
/// <c>E</c> (event time, ms) → <see cref="FeedRecord.TimestampUs"/>, <c>s</c> → symbol, <c>p</c> → mark,
/// <c>r</c> → funding rate, <c>T</c> → next funding time (ms). Trades, book tickers and depth updates are skipped
/// (counted in <see cref="FeedReaderStatistics.SkippedLines"/>): a trade's <c>p</c> is a trade price, never a mark.
/// Lines that do not mention <c>markPriceUpdate</c> are only checked to be a JSON object, not parsed.</para>
/// <para>Funding settlements follow the rule of <see cref="SettlementSequencer"/>: when <c>T</c> rolls over to a later
/// value, a settlement is emitted at the old <c>T</c> with the last <c>r</c> and mark seen before the rollover.
/// The receive-time prefix is checked to be digits but not used: the exchange's <c>E</c> is the event time.</para>
/// </remarks>
public sealed class BinanceStreamReader : FeedReader
{
    /// <summary>Longest escaped string value unescaped for a field.</summary>
    private const int ScratchFieldLength = 64;

    /// <summary>Derives settlements from <c>T</c> rollovers and keeps the output ordered.</summary>
    private readonly SettlementSequencer _sequencer;

    /// <summary>Unescaped copies of string fields that carried JSON escapes (rare): 4 fields × 2 object levels.</summary>
    private readonly byte[] _scratch = new byte[ScratchFieldLength * 8];

    /// <summary>Reads a recording from <paramref name="stream"/> (plain or gzip).</summary>
    /// <param name="stream">The recording.</param>
    /// <param name="file">Name used in records and errors.</param>
    /// <param name="options">Symbol map, error sink, strictness; defaults when null.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open when the reader is disposed.</param>
    public BinanceStreamReader(Stream stream, string file, FeedReaderOptions? options = null, bool leaveOpen = false)
        : this(new FeedInput(stream, file, leaveOpen), options)
    {
    }

    internal BinanceStreamReader(FeedInput input, FeedReaderOptions? options)
        : base(input, options)
        => _sequencer = new SettlementSequencer(Queue, Options.SettlementHoldback);

    private protected override long ReleaseBound => _sequencer.ReleaseBound;

    /// <summary>Opens a recording file (plain or gzip).</summary>
    public static BinanceStreamReader Open(string path, FeedReaderOptions? options = null)
        => new(System.IO.File.OpenRead(path), path, options);

    private protected override void ParseLine(ReadOnlySpan<byte> line, long lineNumber)
    {
        ReadOnlySpan<byte> json = line.Trim(" \t"u8);
        if ((uint)(json[0] - '0') <= 9)
        {
            int space = json.IndexOf((byte)' ');
            if (space < 0 || !FieldParsing.TryParseDigits(json[..space], out _))
            {
                Reject(FeedErrorKind.MalformedLine, lineNumber, "expected '<receive time µs> <JSON message>' or a JSON message");
                return;
            }

            json = json[(space + 1)..].TrimStart(" \t"u8);
        }

        if (json.IsEmpty || json[0] != '{' || json[^1] != '}')
        {
            Reject(FeedErrorKind.MalformedLine, lineNumber, "message is not a JSON object");
            return;
        }

        if (json.IndexOf("markPriceUpdate"u8) < 0)
        {
            CountSkipped(); // trade, bookTicker, depthUpdate...
            return;
        }

        string? error = ReadMessage(json, _scratch, out MarkPriceMessage message);
        if (error is not null)
        {
            Reject(FeedErrorKind.MalformedLine, lineNumber, error);
            return;
        }

        if (!message.Event.SequenceEqual("markPriceUpdate"u8))
        {
            CountSkipped();
            return;
        }

        ProcessMarkPrice(in message, lineNumber);
    }

    private void ProcessMarkPrice(in MarkPriceMessage message, long lineNumber)
    {
        if (!message.HasEventTime || !message.HasSymbol || !message.HasPrice)
        {
            string missing = !message.HasEventTime ? "event time 'E'" : !message.HasSymbol ? "symbol 's'" : "mark price 'p'";
            Reject(FeedErrorKind.MalformedLine, lineNumber, $"markPriceUpdate without {missing}");
            return;
        }

        if (!FieldParsing.TryMillisToMicros(message.EventTimeMs, out long timestampUs))
        {
            Reject(FeedErrorKind.MalformedLine, lineNumber, $"event time E={message.EventTimeMs} ms is out of range");
            return;
        }

        long nextFundingUs = 0;
        if (message.HasNextFundingTime
            && (!FieldParsing.TryMillisToMicros(message.NextFundingTimeMs, out nextFundingUs) || nextFundingUs > FieldParsing.MaxTimestampUs))
        {
            Reject(FeedErrorKind.MalformedLine, lineNumber, $"next funding time T={message.NextFundingTimeMs} ms is out of range");
            return;
        }

        if (!Symbols.TryResolve(message.Symbol, out string? symbol))
        {
            Reject(FeedErrorKind.UnknownSymbol, lineNumber, $"symbol {FieldParsing.Quote(message.Symbol)} is not in the symbol map");
            return;
        }

        string? priceError = FieldParsing.TryParsePrice(message.Price, out Price mark);
        if (priceError is not null)
        {
            Reject(FeedErrorKind.InvalidPrice, lineNumber, $"mark {priceError}");
            return;
        }

        Rate rate = Rate.Zero;
        if (message.HasRate)
        {
            string? rateError = FieldParsing.TryParseRate(message.Rate, out rate);
            if (rateError is not null)
            {
                Reject(FeedErrorKind.MalformedLine, lineNumber, rateError);
                return;
            }
        }

        if (!AcceptTimestamp(timestampUs, lineNumber))
        {
            return;
        }

        _sequencer.Observe(
            symbol!, timestampUs, hasMark: true, mark, message.HasRate, rate, nextFundingUs, File, lineNumber, LastReleasedUs, out long droppedUs);
        if (droppedUs != 0)
        {
            Reject(
                FeedErrorKind.OutOfOrderTimestamp,
                lineNumber,
                $"funding time rolled over from {FormatUs(droppedUs)} only here, after later records were handed out "
                + $"(more than {Options.SettlementHoldback} past it); that settlement is dropped");
        }
    }

    /// <summary>Reads the fields of a markPriceUpdate from a combined-stream message (<c>{"stream":..,"data":{..}}</c>)
    /// or a bare event object. Returns null, or why the JSON is malformed.</summary>
    private static string? ReadMessage(ReadOnlySpan<byte> json, Span<byte> scratch, out MarkPriceMessage message)
    {
        message = default;
        var top = default(MarkPriceMessage);
        var data = default(MarkPriceMessage);
        bool hasData = false;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 32 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return "message is not a JSON object";
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("data"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        hasData = true;
                        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                        {
                            string? dataError = ReadField(ref reader, scratch[(ScratchFieldLength * 4)..], ref data);
                            if (dataError is not null)
                            {
                                return dataError;
                            }
                        }
                    }
                    else
                    {
                        reader.Skip();
                    }

                    continue;
                }

                string? error = ReadField(ref reader, scratch, ref top);
                if (error is not null)
                {
                    return error;
                }
            }

            if (reader.Read())
            {
                return "unexpected content after the JSON object";
            }
        }
        catch (JsonException ex)
        {
            return $"invalid JSON: {ex.Message}";
        }

        message = hasData ? data : top;
        return null;
    }

    /// <summary>Reads one property (the reader is on its name) into <paramref name="message"/> when it is one of
    /// e, E, s, p, r, T (case-sensitive: <c>P</c> is the estimated settle price, not the mark); skips the others.</summary>
    private static string? ReadField(scoped ref Utf8JsonReader reader, Span<byte> scratch, ref MarkPriceMessage message)
    {
        ReadOnlySpan<byte> name = reader.ValueSpan;
        bool escapedName = reader.ValueIsEscaped;
        reader.Read();
        if (escapedName || name.Length != 1)
        {
            reader.Skip();
            return null;
        }

        switch (name[0])
        {
            case (byte)'e':
                return ReadText(ref reader, scratch[..ScratchFieldLength], "e", allowNumber: false, out message.Event, out _);
            case (byte)'s':
                return ReadText(ref reader, scratch.Slice(ScratchFieldLength, ScratchFieldLength), "s", allowNumber: false, out message.Symbol, out message.HasSymbol);
            case (byte)'p':
                return ReadText(ref reader, scratch.Slice(ScratchFieldLength * 2, ScratchFieldLength), "p", allowNumber: true, out message.Price, out message.HasPrice);
            case (byte)'r':
                return ReadText(ref reader, scratch.Slice(ScratchFieldLength * 3, ScratchFieldLength), "r", allowNumber: true, out message.Rate, out message.HasRate);
            case (byte)'E':
                message.HasEventTime = true;
                return ReadInteger(ref reader, "E", out message.EventTimeMs);
            case (byte)'T':
                message.HasNextFundingTime = true;
                return ReadInteger(ref reader, "T", out message.NextFundingTimeMs);
            default:
                reader.Skip();
                return null;
        }
    }

    private static string? ReadText(
        scoped ref Utf8JsonReader reader, Span<byte> scratch, string field, bool allowNumber, out ReadOnlySpan<byte> value, out bool present)
    {
        value = default;
        present = false;
        if (reader.TokenType == JsonTokenType.String)
        {
            if (!reader.ValueIsEscaped)
            {
                value = reader.ValueSpan;
            }
            else
            {
                if (reader.ValueSpan.Length > scratch.Length)
                {
                    return $"field '{field}' is too long";
                }

                value = scratch[..reader.CopyString(scratch)];
            }

            present = true;
            return null;
        }

        if (allowNumber && reader.TokenType == JsonTokenType.Number)
        {
            value = reader.ValueSpan;
            present = true;
            return null;
        }

        return $"field '{field}' is a {reader.TokenType}, expected a string";
    }

    private static string? ReadInteger(scoped ref Utf8JsonReader reader, string field, out long value)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out value))
        {
            return null;
        }

        value = 0;
        return $"field '{field}' is not an integer";
    }

    /// <summary>The fields of one markPriceUpdate, as UTF-8 spans into the line (or the scratch buffer).</summary>
    private ref struct MarkPriceMessage
    {
        /// <summary>Event type <c>e</c>.</summary>
        public ReadOnlySpan<byte> Event;

        /// <summary>Symbol <c>s</c>.</summary>
        public ReadOnlySpan<byte> Symbol;

        /// <summary>Mark price <c>p</c>.</summary>
        public ReadOnlySpan<byte> Price;

        /// <summary>Funding rate <c>r</c>.</summary>
        public ReadOnlySpan<byte> Rate;

        /// <summary>Event time <c>E</c>, ms.</summary>
        public long EventTimeMs;

        /// <summary>Next funding time <c>T</c>, ms.</summary>
        public long NextFundingTimeMs;

        public bool HasSymbol;
        public bool HasPrice;
        public bool HasRate;
        public bool HasEventTime;
        public bool HasNextFundingTime;
    }
}
