using System.Numerics;
using static ParamLens.Python.Operators;

namespace ParamLens.Python;

/// <summary>The one part of scikit-learn that decides shapes programs feed to models: <c>train_test_split</c> of
/// shape-only arrays. Everything else in scikit-learn is an unknown value.</summary>
public static class ScikitLearn
{
    private const string NotModelled = "scikit-learn is not modelled here";

    public static PyModule Package(Interpreter i) => new("sklearn", "<sklearn>") { UnknownReason = NotModelled };

    public static PyModule ModelSelection(Interpreter i)
    {
        var m = new PyModule("sklearn.model_selection", "<sklearn.model_selection>") { UnknownReason = NotModelled };
        m.Dict["train_test_split"] = new PyBuiltin("sklearn.model_selection.train_test_split", TrainTestSplit) { AcceptsUnknown = true };
        return m;
    }

    /// <summary><c>train_test_split(*arrays, test_size=None, train_size=None, …)</c>: the sizes
    /// <c>_validate_shuffle_split</c> gives (test_size 0.25 when neither is given; a float test size rounds up, a float
    /// train size down, an int is a count; the other part is the rest), then train and test parts of each array in
    /// turn. Arrays whose length is not known here (lists, data read from files) give unknown parts.</summary>
    private static object? TrainTestSplit(Interpreter i, Args a)
    {
        var arrays = a.Positional;
        var shapes = arrays.Select(x => x is PyInstance { Native: ArrayShape s } && s.Dims.Length > 0 ? s : null).ToList();
        if (arrays.Count == 0 || shapes.Any(s => s is null) || shapes.Select(s => s!.Dims[0]).Distinct().Count() != 1)
            return i.NewUnknown("train_test_split(...)", "the lengths of its arrays are not known here");
        var samples = shapes[0]!.Dims[0];
        var testSize = a.Kw("test_size");
        var trainSize = a.Kw("train_size");
        if (testSize is null && trainSize is null) testSize = 0.25;
        long? Count(object? size, Func<double, double> round) => size switch
        {
            null => null,
            double f => (long)round(f * samples),
            _ when IsInt(size) => (long)ToBig(size),
            _ => throw i.ValueError($"Invalid value for a split size: {i.Repr(size)}"),
        };
        var test = Count(testSize, Math.Ceiling);
        var train = Count(trainSize, Math.Floor);
        var nTest = test ?? samples - train!.Value;
        var nTrain = train ?? samples - nTest;
        if (nTrain + nTest > samples || nTrain <= 0 || nTest <= 0)
            throw i.ValueError($"with n_samples={samples}, test_size={i.Repr(testSize)} and train_size={i.Repr(trainSize)} a part would be empty or too large");
        var zeros = i.Import("numpy", 0, i.Builtins).Dict["zeros"];
        var parts = new List<object?>();
        foreach (var shape in shapes)
            foreach (var n in new[] { nTrain, nTest })
                parts.Add(i.Call(zeros, new Args([new PyTuple([new BigInteger(n), .. shape!.Dims[1..].Select(d => (object?)new BigInteger(d))])], [new("dtype", shape.DType)])));
        return new PyList(parts);
    }
}
