-- Reload the stop words from sql/data/stopwords.csv (language,word): the CSV is the source,
-- the table is what views and analysts read. $stopwords_csv is the file's absolute path,
-- bound by warehouse.similarity so the refresh works from any working directory.
-- Words are normalised as tokens are (lower case, 'ё' as 'е') so the two always compare.
delete from internal.stopwords;

insert into internal.stopwords
with

source as (
    select * from read_csv(
        $stopwords_csv,
        header = true,
        columns = {'language': 'varchar', 'word': 'varchar'}
    )
),

normalised as (
    select distinct
        lower(trim(language)) as language,
        replace(lower(trim(word)), 'ё', 'е') as word
    from source
    where trim(word) <> ''
)

select language, word from normalised;
