package dev.fathom;

/** The registry holds no model of the requested name. */
public final class ModelNotFoundException extends FathomException {
  private static final long serialVersionUID = 1L;
  private final String model;

  public ModelNotFoundException(String model, String registry) {
    super("unknown model '" + model + "': the registry " + registry + " has no model of that name");
    this.model = model;
  }

  /** The model name that was not found. */
  public String model() {
    return model;
  }

  @Override
  public String errorType() {
    return "model_not_found";
  }
}
