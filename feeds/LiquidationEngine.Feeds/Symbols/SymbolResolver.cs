using System.Buffers;
using System.Text.Unicode;

namespace LiquidationEngine.Feeds;

/// <summary>Per-reader front of a <see cref="SymbolMap"/> for UTF-8 symbols read from lines.</summary>
/// <remarks>Most files hold one symbol, so the last venue symbol and its mapping are remembered: the common case is a
/// byte comparison, no decoding and no dictionary lookup.</remarks>
internal sealed class SymbolResolver
{
    /// <summary>The map the readers were configured with.</summary>
    private readonly SymbolMap _map;

    /// <summary>UTF-8 bytes of the last venue symbol resolved; <see cref="_lastLength"/> of them are valid.</summary>
    private readonly byte[] _lastVenue = new byte[SymbolMap.MaxSymbolLength * 4];

    /// <summary>Valid bytes in <see cref="_lastVenue"/>; -1 before the first successful lookup.</summary>
    private int _lastLength = -1;

    /// <summary>The instrument symbol of <see cref="_lastVenue"/>.</summary>
    private string? _lastInstrument;

    public SymbolResolver(SymbolMap map) => _map = map;

    /// <summary>Maps a UTF-8 venue symbol; false when it is invalid or unknown to the map.</summary>
    public bool TryResolve(ReadOnlySpan<byte> venueUtf8, out string? instrument)
    {
        if (_lastLength >= 0 && venueUtf8.SequenceEqual(_lastVenue.AsSpan(0, _lastLength)))
        {
            instrument = _lastInstrument;
            return true;
        }

        if (venueUtf8.IsEmpty || venueUtf8.Length > _lastVenue.Length)
        {
            instrument = null;
            return false;
        }

        Span<char> chars = stackalloc char[SymbolMap.MaxSymbolLength * 4];
        OperationStatus status = Utf8.ToUtf16(venueUtf8, chars, out _, out int charCount, replaceInvalidSequences: false);
        if (status != OperationStatus.Done || !_map.TryMap(chars[..charCount], out instrument))
        {
            instrument = null;
            return false;
        }

        venueUtf8.CopyTo(_lastVenue);
        _lastLength = venueUtf8.Length;
        _lastInstrument = instrument;
        return true;
    }
}
