using ParamLens.Graph;
using ParamLens.Layers;
using ParamLens.Shapes;

namespace ParamLens.Formats;

/// <summary>
/// A layer whose class is not known here declares no weights, but the file stores them: they are counted and attributed
/// to it, by where the file keeps them. Their trainability cannot be derived from an unknown class, so a weight is taken as
/// trainable unless it is a running statistic (moving mean or variance) or its layer is frozen, and its reason says so.
/// </summary>
internal static class UnknownLayerWeights
{
    public static void Adopt(ModelFile file)
    {
        if (file.Stored is not { } stored) return;
        Walk(file.Model, []);

        void Walk(Model model, IReadOnlyList<string> path)
        {
            foreach (var layer in model.Layers)
            {
                IReadOnlyList<string> here = [.. path, layer.Name];
                if (layer is Model nested) Walk(nested, here);
                else if (layer.Declaration is UnknownLayerDeclaration && layer.IsBuilt && layer.OwnWeights.Count == 0)
                    layer.AdoptStoredWeights(stored.Weights
                        .Where(w => w.LayerPath.Count >= here.Count && w.LayerPath.Take(here.Count).SequenceEqual(here))
                        .Select(w => (Spec(w, layer.ClassName), w.DType)));
            }
        }
    }

    private static WeightSpec Spec(StoredWeight w, string className)
    {
        var name = w.ShortName ?? w.Name;
        var statistic = name is "moving_mean" or "moving_variance";
        return new WeightSpec(name, new Shape(w.Shape.Select(d => (long?)d)), !statistic,
            $"stored in the file as '{w.Name}'; '{className}' is not a class known here, so its role is not derived" +
            (statistic ? " (a running statistic by its name, so not trained by gradients)" : " and it is taken as trainable"));
    }
}
