namespace ParamLens;

/// <summary>Something about the model (its file, a layer, a config value) is wrong; the message says what and where.</summary>
public class ModelException(string message) : Exception(message)
{
    /// <summary>Prefix the message with where the problem is (a layer, a file), keeping the innermost detail.</summary>
    public static ModelException At(string where, Exception inner) =>
        inner is ModelException m ? new ModelException($"{where}: {m.Message}") : new ModelException($"{where}: {inner.Message}");
}
