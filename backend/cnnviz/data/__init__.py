"""Datasets: IDX files, the datasets cnnviz knows, where they live on disk, downloading them.

One re-export per line (`name as name` marks it as public for linters), so modules can add theirs.
"""

from .download import DownloadResult as DownloadResult
from .download import download_dataset as download_dataset
from .idx import DataError as DataError
from .idx import load_images_labels as load_images_labels
from .idx import read_idx as read_idx
from .idx import read_idx_header as read_idx_header
from .idx import write_idx as write_idx
from .registry import DATASETS as DATASETS
from .registry import SPLITS as SPLITS
from .registry import DataFile as DataFile
from .registry import DatasetInfo as DatasetInfo
from .registry import SplitFiles as SplitFiles
from .registry import get_dataset as get_dataset
from .store import DatasetStatus as DatasetStatus
from .store import SplitStatus as SplitStatus
from .store import clear_cache as clear_cache
from .store import data_dir as data_dir
from .store import dataset_dir as dataset_dir
from .store import dataset_status as dataset_status
from .store import load_split as load_split
from .store import without_folder as without_folder
