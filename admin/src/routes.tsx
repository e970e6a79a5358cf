import { DICTIONARY_KINDS, type DictionaryKind } from '@quarry/shared';
import { Link, Navigate, Route, Routes, useParams } from 'react-router';
import { Layout } from './components/Layout';
import { Empty } from './components/states';
import { AskDetailPage } from './features/asks/AskDetailPage';
import { AsksPage } from './features/asks/AsksPage';
import { LoginPage } from './features/auth/LoginPage';
import { DataSourcesPage } from './features/datasources/DataSourcesPage';
import { SchemaPage } from './features/datasources/SchemaPage';
import { DictionariesPage } from './features/dictionaries/DictionariesPage';
import { InstructionsPage } from './features/instructions/InstructionsPage';
import { PlaygroundPage } from './features/playground/PlaygroundPage';
import { SemanticLayerPage } from './features/semantics/SemanticLayerPage';
import { SqlPairEditPage } from './features/sql-pairs/SqlPairEditPage';
import { SqlPairsPage } from './features/sql-pairs/SqlPairsPage';
import { useT } from './lib/i18n';

function NotFound() {
  const t = useT();
  return (
    <Empty title={t('There is no such page.')}>
      <Link to="/">{t('Go to the start page')}</Link>
    </Empty>
  );
}

function DictionaryRoute() {
  const { kind } = useParams();
  if (!DICTIONARY_KINDS.includes(kind as DictionaryKind)) return <NotFound />;
  return <DictionariesPage key={kind} kind={kind as DictionaryKind} />;
}

/** The console's pages; everything but the login needs a session (Layout checks). */
export function AppRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<LoginPage />} />
      <Route element={<Layout />}>
        <Route index element={<Navigate to="/playground" replace />} />
        <Route path="playground" element={<PlaygroundPage />} />
        <Route path="asks" element={<AsksPage />} />
        <Route path="asks/:id" element={<AskDetailPage />} />
        <Route path="sql-pairs" element={<SqlPairsPage />} />
        <Route path="sql-pairs/:id" element={<SqlPairEditPage />} />
        <Route path="instructions" element={<InstructionsPage />} />
        <Route path="dictionaries" element={<Navigate to="/dictionaries/department" replace />} />
        <Route path="dictionaries/:kind" element={<DictionaryRoute />} />
        <Route path="datasources" element={<DataSourcesPage />} />
        <Route path="datasources/:name" element={<SchemaPage />} />
        <Route path="datasources/:name/semantics" element={<SemanticLayerPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
