using ParamLens.Graph;
using ParamLens.Layers;
using ParamLens.Shapes;

namespace ParamLens.Inputs;

/// <summary>
/// A layer whose class is not known here (or that wraps or runs one), and a layer called on an input whose shape could not
/// be derived, has unknown weights; when the file stores the model's weights, those it keeps for such a layer are counted
/// and attributed to it, by where the file keeps them (none stored: a layer of a class not known here has none, since
/// Keras saves every layer's weights; any other layer's weights stay unknown, as the file may not cover it). Their
/// trainability cannot be derived, so a weight is taken as trainable unless it is a running statistic (moving mean or
/// variance) or its layer is frozen, and its reason says so.
/// </summary>
internal static class UnknownLayerWeights
{
    public static void Adopt(ModelDocument file)
    {
        if (file.Stored is not { } stored) return;
        Walk(file.Model, []);

        void Walk(Model model, IReadOnlyList<string> path)
        {
            foreach (var layer in model.Layers)
            {
                IReadOnlyList<string> here = [.. path, layer.Name];
                if (layer is Model nested) Walk(nested, here);
                else if (layer.IsBuilt && layer.HasUnknownOwnWeights)
                {
                    var own = stored.Weights.Where(w => w.LayerPath.Count >= here.Count && w.LayerPath.Take(here.Count).SequenceEqual(here)).ToArray();
                    // Keras saves every layer's weights, so none stored for an unknown class means it has none. A known
                    // class whose weights depend on an unknown shape does build some: none stored means the file does
                    // not cover it, so its weights stay unknown rather than become none.
                    if (own.Length > 0 || layer.Declaration is UnknownLayerDeclaration)
                        layer.AdoptStoredWeights(own.Select(w => (Spec(w, layer), w.DType)));
                }
            }
        }
    }

    private static WeightSpec Spec(StoredWeight w, Layer layer)
    {
        var name = w.ShortName ?? w.Name;
        var statistic = name is "moving_mean" or "moving_variance";
        var why = layer.UnderivedWeightsOrigin is not null
            ? "the layer's input shape is unknown, so its weights and their roles are not derived"
            : layer.Declaration is UnknownLayerDeclaration
                ? $"'{layer.ClassName}' is not a class known here, so its role is not derived"
                : $"its role is not derived ({layer.UnderivedWeightsReason})";
        return new WeightSpec(name, new Shape(w.Shape.Select(d => (long?)d)), !statistic,
            $"stored in the file as '{w.Name}'; {why}" +
            (statistic ? " (a running statistic by its name, so not trained by gradients)" : " and it is taken as trainable"));
    }
}
