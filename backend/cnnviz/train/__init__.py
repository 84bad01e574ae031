"""Training: the loop behind the live demo, its events, pause/step/stop control and metrics.

```python
from cnnviz.train import TrainConfig, Trainer, TrainingControl

config = TrainConfig(model="lenet5", epochs=3, augmentation=Augmentation())
trainer = Trainer(config, train_images, train_labels, test_images, test_labels)
model = trainer.run(emit=print, control=TrainingControl())
```
"""

from .config import ConfigError, TrainConfig
from .control import Control, TrainingControl
from .events import EVENT_TYPES, TIME_FIELDS, fields_of, without_times
from .loss import cross_entropy
from .metrics import Evaluation, as_model_input, confusion_matrix, evaluate, evaluate_model
from .schedule import SCHEDULES, LRSchedule
from .subsets import stratified_order
from .trainer import Trainer, TrainingDivergedError

__all__ = [
    "EVENT_TYPES",
    "SCHEDULES",
    "TIME_FIELDS",
    "ConfigError",
    "Control",
    "Evaluation",
    "LRSchedule",
    "TrainConfig",
    "Trainer",
    "TrainingControl",
    "TrainingDivergedError",
    "as_model_input",
    "confusion_matrix",
    "cross_entropy",
    "evaluate",
    "evaluate_model",
    "fields_of",
    "stratified_order",
    "without_times",
]
