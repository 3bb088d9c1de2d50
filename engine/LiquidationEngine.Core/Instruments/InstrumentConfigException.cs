namespace LiquidationEngine.Instruments;

/// <summary>An instrument configuration that breaks a rule. The message names the file, instrument and bracket.</summary>
public sealed class InstrumentConfigException : Exception
{
    /// <summary>Creates the exception.</summary>
    public InstrumentConfigException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with an inner cause.</summary>
    public InstrumentConfigException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception.</summary>
    public InstrumentConfigException()
    {
    }
}
